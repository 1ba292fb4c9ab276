// SPDX-License-Identifier: GPL-3.0-or-later
// The Keeper and held messages: kept in the journal before they leave the screen, offered in a
// pause, read, let go or kept for later; the person's changes kept for a restart. Reaching out
// and calls are in keeper_reach.cpp; where the journal lives, in keeper_journal.cpp.
#include "daemon/keeper.hpp"

#include <gio/gio.h>

#include <map>
#include <stdexcept>

#include "daemon/log.hpp"
#include "daemon/strings.hpp"
#include "policy/ladder.hpp"

namespace nocontact::daemon {

namespace {

HeldMessage heldFrom(const dbus::Observed& o, const std::string& contact, policy::SysTime now) {
    HeldMessage m;
    m.received = now;
    m.contact = contact;
    m.app_name = o.notification.app_name;
    m.app_id = o.notification.app_id;
    m.app_icon = o.notification.app_icon;
    m.desktop_entry = o.notification.desktopEntry();
    m.summary = o.notification.summary;
    m.body = o.notification.body;
    if (o.notification.cut_bytes > 0)
        m.body += (m.body.empty() ? "" : "\n\n") + strings::shortenedNote(o.notification.cut_bytes);
    return m;
}

EventRow eventFrom(const dbus::Observed& o, const policy::Event& e, const policy::Decision& d,
                   const std::string& contact, policy::SysTime now) {
    EventRow row;
    row.time = now;
    row.contact = contact;
    row.source = std::string(policy::interfaceName(o.notification.interface));
    row.app = e.app;
    row.kind = std::string(policy::kindName(e.kind));
    row.level = d.journalLevel();
    row.action = std::string(policy::actionName(d.primary()));
    return row;
}

// The hour of the day where the person is, for words that depend on it ("tonight").
int localHour(const policy::Moment& now) {
    return policy::timeOfDayOf(now.local).minutes / 60;
}

// Only a message that still waits can be let go from the command line (or offered again).
bool isWaiting(const std::optional<HeldMessage>& m) {
    return m && (m->state == HeldState::Held || m->state == HeldState::Later);
}

// Let go, and still kept for the person's change of mind (purge() forgets it after that).
bool isLetGo(const std::optional<HeldMessage>& m) {
    return m && m->state == HeldState::LetGo;
}

}  // namespace

Keeper::Keeper(const std::filesystem::path& state_dir, std::chrono::seconds retry,
               const Clock& clock, Timer& timer)
    : notifier_(kPauseAppName), retry_(retry), clock_(clock), timer_(timer) {
    openJournal(state_dir);
    bus_ = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, nullptr);
    // GIO would raise SIGTERM when the bus goes away (exit 0); the daemon's own connections
    // notice it too and end it with an error, so that systemd restarts it.
    if (bus_) g_dbus_connection_set_exit_on_close(bus_, FALSE);
    purgeNowAndLater();
    pause_ = std::make_unique<PausePresenter>(
        notifier_, ticker_, [this](const PauseChoice& c) { onChoice(c); },
        [](const std::string& entry) { launchDesktopEntry(entry); });
    pause_->setReachCallback([this](const ReachChoice& c) {
        const bool incoming_call = c.kind == ReachRequest::Kind::IncomingCall;
        const char* action = c.which == ReachChoice::Which::LetThrough ? "let-through"
                             : c.which == ReachChoice::Which::LetGo
                                 ? (incoming_call ? "let-ring" : "let-go")
                                 : (incoming_call ? "answered" : "opened-anyway");
        // Answering their call is not reaching out; calling them anyway is, like opening an app.
        EventRow row{.time = clock_.now().utc,
                     .contact = c.contact,
                     .source = "user",
                     .app = c.app_id,
                     .kind = incoming_call ? "call_answer" : "reach_answer",
                     .level = "",
                     .action = action};
        if (!store_->recordEvent(row))
            log::write(log::Priority::Warning, "The journal did not take an answer to a pause");
        if (on_reach_answer_) on_reach_answer_(c);
    });
}

Keeper::~Keeper() {
    recordPending();
    if (pending_timer_) g_source_remove(pending_timer_);
    if (idle_) g_source_remove(idle_);
    timer_.cancel(retry_timer_);
    timer_.cancel(purge_timer_);
    if (store_) leaveMemory();
    if (bus_) g_object_unref(bus_);
}

void Keeper::purgeNowAndLater() {
    purge();
    purge_timer_ = timer_.after(kPurgeEvery, [this] { purgeNowAndLater(); });
}

void Keeper::present(std::function<void()> show, bool later) {
    if (!later) return show();
    to_show_.push_back(std::move(show));
    if (idle_) return;
    idle_ = g_idle_add(
        [](gpointer self) -> gboolean {
            auto* keeper = static_cast<Keeper*>(self);
            keeper->idle_ = 0;
            auto shows = std::move(keeper->to_show_);
            keeper->to_show_.clear();
            for (auto& show : shows)
                show();
            return G_SOURCE_REMOVE;
        },
        this);
}

bool Keeper::keep(const policy::Engine& engine, const dbus::Observed& observed,
                  const policy::Event& event, const policy::Decision& decision, bool show_later) {
    Kept kept = store(engine, observed, event, decision);
    if (kept.ok) show(kept, show_later);
    return kept.ok;
}

Keeper::Kept Keeper::store(const policy::Engine& engine, const dbus::Observed& observed,
                           const policy::Event& event, const policy::Decision& decision) {
    const auto& contact = engine.policy().contacts[*decision.contact];
    auto now = clock_.now();
    const EventRow row = eventFrom(observed, event, decision, contact.name, now.utc);
    Kept kept{.ok = true, .nudge = {}, .pause = {}};
    if (decision.has(policy::Action::Nudge))
        kept.nudge = [this, name = contact.name, hour = localHour(now)] {
            pause_->nudge(name, hour);
        };
    if (!decision.has(policy::Action::Withhold)) {
        if (!store_->recordEvent(row))
            log::write(log::Priority::Warning, "The journal did not take an event");
        return kept;
    }
    auto id = store_->holdMessage(heldFrom(observed, contact.name, now.utc));
    if (!id) {
        log::detail(log::Priority::Error, "A withheld message could not be kept",
                    id.error.value_or(StoreError{}).message);
        return {};
    }
    recordSoon(row);
    if (store_->inMemory()) tryDiskSoon();
    if (!decision.has(policy::Action::Pause)) return kept;  // firm and strict: kept, no pause
    PauseRequest request;
    request.contact = contact.name;
    request.day_count = engine.dayCount(*decision.contact, now);
    request.reasons = contact.reasons;
    request.held_ids = {*id};
    request.seconds = static_cast<int>(engine.policy().defaults.pause.count());
    request.app_name = observed.notification.app_name;
    kept.pause = [this, request = std::move(request)] { pause_->open(request); };
    return kept;
}

void Keeper::show(Kept& kept, bool later) {
    if (kept.nudge) present(std::move(kept.nudge), later);
    if (kept.pause) present(std::move(kept.pause), later);
    kept.nudge = nullptr;
    kept.pause = nullptr;
}

void Keeper::onChoice(const PauseChoice& choice) {
    auto now = clock_.now().utc;
    static constexpr const char* kWhich[] = {"read", "later", "let-go", "closed"};
    // Facts only, as for an intervention: who, and which answer (never the messages).
    const bool chosen = choice.which != PauseChoice::Which::ClosedWithoutChoice;
    log::write(log::Priority::Info,
               chosen ? log::Literal("The pause was answered.")
                      : log::Literal("The pause ended without a choice."),
               {.contact = choice.contact,
                .action = kWhich[static_cast<int>(choice.which)],
                .kind = "pause"});
    for (std::int64_t id : choice.held_ids) {
        // Decided meanwhile elsewhere (let go from the command line): that choice stands.
        if (!isWaiting(store_->heldById(id).value.value_or(std::nullopt))) continue;
        switch (choice.which) {
            case PauseChoice::Which::ReadIt:
                if (readIt(id)) (void)store_->recordChoice(id, Choice::Read, now);
                break;
            case PauseChoice::Which::LetGo:
                (void)store_->letGo(id, now);
                (void)store_->recordChoice(id, Choice::LetGo, now);
                break;
            case PauseChoice::Which::Later:
                (void)store_->markLater(id);
                (void)store_->recordChoice(id, Choice::Later, now);
                break;
            case PauseChoice::Which::ClosedWithoutChoice:
                // Not "later": the person chose nothing. It waits as it did, for the next digest.
                (void)store_->recordChoice(id, Choice::Expired, now);
                break;
        }
    }
}

bool Keeper::readIt(std::int64_t id) {
    auto found = store_->heldById(id);
    // A message read already has no text left: it is shown once, never as an empty notification.
    if (!found || !isWaiting(*found)) return false;
    const HeldMessage& m = **found;
    pause_->repost({m.app_name, m.app_icon, m.summary, m.body, m.desktop_entry});
    (void)store_->markRead(id);  // read: the text leaves the journal
    return true;
}

void Keeper::showAsItCame(const dbus::Observed& observed) {
    const auto& n = observed.notification;
    pause_->repost({n.app_name, n.app_icon, n.summary, n.body, n.desktopEntry()});
}

void Keeper::reoffer(const policy::Engine& engine) {
    offer(engine, {HeldState::Held}, policy::pauseReopenedAtStart);
}

void Keeper::offerDigest(const policy::Engine& engine) {
    offer(engine, {HeldState::Held, HeldState::Later}, policy::offeredAtDigest);
}

void Keeper::offer(const policy::Engine& engine, std::vector<HeldState> states,
                   const std::function<bool(policy::Level)>& allowed) {
    auto rows = store_->held(HeldFilter{{}, std::move(states)});
    if (!rows) return;
    auto now = clock_.now();
    std::map<std::string, PauseRequest> by_contact;
    for (const auto& m : *rows) {
        auto index = engine.matcher().byContactName(m.contact);
        if (!index || !allowed(engine.explain(*index, now).level)) continue;
        PauseRequest& r = by_contact[m.contact];
        if (r.held_ids.empty()) {
            const auto& contact = engine.policy().contacts[*index];
            r.contact = contact.name;
            r.day_count = engine.dayCount(*index, now);
            r.reasons = contact.reasons;
            r.seconds = static_cast<int>(engine.policy().defaults.pause.count());
            r.app_name = m.app_name;
        }
        r.held_ids.push_back(m.id);
    }
    for (const auto& [name, request] : by_contact)
        pause_->open(request);
}

void Keeper::saveOverride(const policy::Override& change) {
    if (!store_->saveOverride(change)) {
        log::write(log::Priority::Warning, "A change of level could not be kept for a restart");
    }
}

void Keeper::removeOverride(const std::string& contact) {
    if (!store_->removeOverride(contact)) {
        log::write(log::Priority::Warning,
                   "A change of level could not be forgotten for a restart");
    }
}

std::vector<policy::Override> Keeper::overrides() {
    (void)store_->removeExpired(clock_.now().utc);
    auto rows = store_->overrides();
    return rows ? *rows : std::vector<policy::Override>{};
}

void Keeper::saveFinalStraw(const std::string& contact, const policy::FinalStrawDay& day) {
    if (!store_->saveFinalStraw(contact, day))
        log::write(log::Priority::Warning, "The day one of a final straw could not be kept");
}

std::vector<std::pair<std::string, policy::FinalStrawDay>> Keeper::finalStraws() {
    auto rows = store_->finalStraws();
    return rows ? *rows : std::vector<std::pair<std::string, policy::FinalStrawDay>>{};
}

void Keeper::addNote(const std::string& contact, const std::string& text) {
    if (!store_->addNote(contact, text, clock_.now().utc)) {
        log::write(log::Priority::Warning, "A note could not be kept");
    }
}

void Keeper::serverChanged(bool restarted) {
    notifier_.forgetCapabilities();
    if (restarted) present([this] { pause_->showAgain(); }, true);
}

void Keeper::recordChange(policy::SysTime at, const std::string& contact, const std::string& change,
                          const std::string& level, std::optional<policy::SysTime> until,
                          const std::string& note) {
    EventRow row{.time = at,
                 .contact = contact,
                 .source = "user",
                 .app = "",
                 .kind = "change",
                 .level = level,
                 .action = change,
                 .until = until,
                 .note = note};
    if (!store_->recordEvent(row)) {
        log::write(log::Priority::Warning, "The journal did not take a change of level");
    }
}

std::vector<HeldMessage> Keeper::kept() const {
    auto waiting = store_->held(HeldFilter{{}, {HeldState::Held, HeldState::Later}});
    auto gone = store_->held(HeldFilter{{}, {HeldState::LetGo}});
    std::vector<HeldMessage> rows = waiting ? *waiting : std::vector<HeldMessage>{};
    if (gone) rows.insert(rows.end(), gone->begin(), gone->end());
    return rows;
}

void Keeper::purge() {
    auto purged = store_->purgeLetGo(clock_.now().utc);
    if (!purged) {
        log::detail(log::Priority::Warning, "Messages let go long ago could not be forgotten",
                    purged.error.value_or(StoreError{}).message);
    }
}

std::optional<HeldMessage> Keeper::read(std::int64_t id) {
    purge();
    auto found = store_->heldById(id);
    if (!found || !(isWaiting(*found) || isLetGo(*found))) return std::nullopt;
    HeldMessage message = **found;
    // A pause open now is about waiting messages: reading one let go earlier leaves it be.
    if (isWaiting(*found)) pause_->dismiss(message.contact);
    if (!store_->markRead(id)) return std::nullopt;
    (void)store_->recordChoice(id, Choice::Read, clock_.now().utc);
    return message;
}

bool Keeper::letGo(std::int64_t id) {
    auto found = store_->heldById(id);
    if (!found || !isWaiting(*found)) return false;
    auto now = clock_.now().utc;
    if (!store_->letGo(id, now)) return false;
    (void)store_->recordChoice(id, Choice::LetGo, now);
    pause_->withdraw((*found)->contact, id);  // decided: its pause no longer offers it
    return true;
}

bool Keeper::keepForLater(std::int64_t id) {
    auto found = store_->heldById(id);
    if (!found || !isWaiting(*found)) return false;
    if (!store_->markLater(id)) return false;
    (void)store_->recordChoice(id, Choice::Later, clock_.now().utc);
    pause_->withdraw((*found)->contact, id);  // decided: its pause no longer offers it
    return true;
}

std::size_t Keeper::waiting() const {
    auto rows = store_->held(HeldFilter{{}, {HeldState::Held, HeldState::Later}});
    return rows ? rows->size() : 0;
}

std::string Keeper::ownBusName() const {
    const char* unique = bus_ ? g_dbus_connection_get_unique_name(bus_) : nullptr;
    return unique ? unique : "";
}

}  // namespace nocontact::daemon
