// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/pause/pause.hpp"

#include <glib.h>

#include <algorithm>
#include <utility>

#include "config/server_rules.hpp"
#include "daemon/log.hpp"
#include "daemon/pause/markup.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

namespace {

constexpr const char* kActionRead = "read";
// Tries, a second apart, to show the open pauses on a server that just took the name.
constexpr int kReshowTries = 5;
constexpr const char* kActionLater = "later";
constexpr const char* kActionLetGo = "let-go";
constexpr const char* kActionDefault = "default";
// The progress hint runs 0..100 by the spec.
constexpr int kFullProgress = 100;

// The contact as one shell word, so the command in the body can be copied as it is.
std::string shellWord(const std::string& name) {
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    });
    if (plain) return name;
    std::string quoted = "'";
    for (char c : name)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

GlibTicker::~GlibTicker() {
    stop();
}

void GlibTicker::start(std::function<void()> on_second) {
    stop();
    on_second_ = std::move(on_second);
    GSource* source = g_timeout_source_new_seconds(1);
    g_source_set_callback(source, reinterpret_cast<GSourceFunc>(&GlibTicker::fire), this, nullptr);
    GMainContext* context = g_main_context_ref_thread_default();
    source_id_ = g_source_attach(source, context);
    g_main_context_unref(context);
    g_source_unref(source);
}

void GlibTicker::stop() {
    if (source_id_ == 0) return;
    GMainContext* context = g_main_context_ref_thread_default();
    if (GSource* source = g_main_context_find_source_by_id(context, source_id_))
        g_source_destroy(source);
    g_main_context_unref(context);
    source_id_ = 0;
}

int GlibTicker::fire(void* self) {
    auto* ticker = static_cast<GlibTicker*>(self);
    auto on_second = ticker->on_second_;  // a copy: the call may stop or restart the ticker
    if (on_second) on_second();
    return G_SOURCE_CONTINUE;
}

PausePresenter::PausePresenter(Notifier& notifier, Ticker& ticker, ChoiceCallback on_choice,
                               Launcher launch)
    : notifier_(notifier),
      ticker_(ticker),
      on_choice_(std::move(on_choice)),
      launch_(std::move(launch)) {
    notifier_.setCallbacks(
        [this](Notifier::Handle handle, const std::string& key) { onAction(handle, key); },
        [this](Notifier::Handle handle, CloseReason) { onClosed(handle); },
        [this](Notifier::Handle handle) { onFailed(handle); });
}

PausePresenter::~PausePresenter() {
    ticker_.stop();
    notifier_.setCallbacks({}, {}, {});
}

bool PausePresenter::open(const PauseRequest& request) {
    if (auto it = pauses_.find(request.contact); it != pauses_.end())
        return fold(it->second, request);
    // One pause may open for several messages at once (offered again after a restart).
    Pause pause{.request = request,
                .messages = std::max<std::size_t>(1, request.held_ids.size()),
                .reason = nextReason(request)};
    pause.handle = notifier_.post(contentOf(pause, notifier_.capabilities()));
    if (pause.handle == 0) {
        log::write(log::Priority::Warning, "the pause could not be shown",
                   {.contact = request.contact, .action = "pause"});
        return false;
    }
    pauses_.emplace(request.contact, std::move(pause));
    updateTicker();
    return true;
}

bool PausePresenter::fold(Pause& pause, const PauseRequest& request) {
    auto& ids = pause.request.held_ids;
    // A message already in the pause (offered again by a digest while it shows) is not a new
    // one: counted twice, *Read it* would hand it back twice.
    std::size_t added = request.held_ids.empty() ? 1 : 0;
    for (std::int64_t id : request.held_ids) {
        if (std::ranges::find(ids, id) != ids.end()) continue;
        ids.push_back(id);
        ++added;
    }
    if (added == 0) return true;
    pause.messages += added;
    // The next second's tick shows the new count: a burst of messages costs one update a second,
    // not a round trip to the server (and a redraw) each.
    pause.stale = true;
    updateTicker();
    return true;
}

std::string PausePresenter::nextReason(const PauseRequest& request) {
    if (request.reasons.empty()) return {};
    std::size_t& turn = reason_turns_[request.contact];
    return request.reasons[turn++ % request.reasons.size()];
}

void PausePresenter::tick() {
    tickReaches();
    std::vector<std::string> due;
    for (const auto& [contact, pause] : pauses_)
        if (pause.elapsed < pause.request.seconds || pause.stale) due.push_back(contact);
    for (const auto& contact : due) {
        auto it = pauses_.find(contact);
        if (it == pauses_.end()) continue;
        if (it->second.elapsed < it->second.request.seconds) ++it->second.elapsed;
        it->second.stale = false;
        show(contact, it->second);
    }
    updateTicker();
}

// Updates the pause in place (a Notifier may tell of a failure now, or later through onFailed).
void PausePresenter::show(const std::string& contact, Pause& pause) {
    if (!notifier_.update(pause.handle, contentOf(pause, notifier_.capabilities())))
        failed(contact);
}

// The server did not take the pause. Just after a server change it is tried again a second
// later, a few times; otherwise the pause ends. Nothing was chosen, so nothing is reported: its
// messages stay kept as they were, for the next digest or `nocontactctl read`.
void PausePresenter::failed(const std::string& contact) {
    auto it = pauses_.find(contact);
    if (it == pauses_.end()) return;
    Pause& pause = it->second;
    if (pause.reshow_tries > 0 && --pause.reshow_tries > 0) {
        pause.stale = true;  // again next second
        updateTicker();
        return;
    }
    log::write(log::Priority::Warning, "the pause could not be shown",
               {.contact = contact, .action = "pause"});
    Notifier::Handle handle = pause.handle;
    pauses_.erase(it);
    notifier_.close(handle);
    updateTicker();
}

NotificationContent PausePresenter::contentOf(const Pause& pause,
                                              Notifier::Capabilities caps) const {
    // It stays until the person chooses, where the server allows: a pause that times out
    // leaves the choice unmade.
    NotificationContent content{
        .app_name = kPauseAppName,
        .summary = strings::pauseTitle(pause.request.contact, pause.messages),
        .body = bodyOf(pause, caps),
        .until_closed = true};
    int seconds = std::max(pause.request.seconds, 1);
    content.value = std::min(pause.elapsed, seconds) * kFullProgress / seconds;
    if (!caps.actions) return content;
    if (pause.elapsed >= pause.request.seconds) {
        content.actions.push_back({kActionRead, i18n::tr(strings::kReadIt)});
        content.actions.push_back({kActionLater, i18n::tr(strings::kLater)});
    }
    content.actions.push_back({kActionLetGo, i18n::tr(strings::kLetGo)});
    return content;
}

std::string PausePresenter::bodyOf(const Pause& pause, Notifier::Capabilities caps) const {
    auto text = [&](const std::string& s) { return caps.body_markup ? escapeMarkup(s) : s; };
    const PauseRequest& request = pause.request;
    std::vector<std::string> lines;
    if (request.day_count)
        lines.push_back(
            strings::pauseDayCount(*request.day_count, text(request.contact), caps.body_markup));
    if (!pause.reason.empty()) lines.push_back(text(pause.reason));
    bool done = pause.elapsed >= request.seconds;
    lines.push_back(done
                        ? strings::pauseReady(pause.messages)
                        : strings::pauseCountdown(request.seconds - pause.elapsed, pause.messages));
    if (!caps.actions) {
        std::string word = text(shellWord(request.contact));
        lines.push_back(done ? strings::pauseChoiceCommands(word)
                             : strings::pauseLetGoCommand(word));
    }
    std::string body;
    for (const auto& line : lines)
        body += (body.empty() ? "" : "\n") + line;
    return body;
}

void PausePresenter::onAction(Notifier::Handle handle, const std::string& key) {
    if (onReachAction(handle, key)) return;
    if (auto entry = reposted_.find(handle); entry != reposted_.end()) {
        std::string desktop_entry = entry->second;
        reposted_.erase(entry);
        notifier_.close(handle);
        if (key == kActionDefault && !desktop_entry.empty() && launch_) launch_(desktop_entry);
        return;
    }
    const std::string* contact = contactOf(handle);
    if (!contact) return;
    bool counted = pauses_.at(*contact).elapsed >= pauses_.at(*contact).request.seconds;
    if (key == kActionLetGo)
        choose(*contact, PauseChoice::Which::LetGo, true);
    else if (key == kActionRead && counted)
        choose(*contact, PauseChoice::Which::ReadIt, true);
    else if (key == kActionLater && counted)
        choose(*contact, PauseChoice::Which::Later, true);
}

void PausePresenter::onFailed(Notifier::Handle handle) {
    if (onReachFailed(handle)) return;
    if (const std::string* contact = contactOf(handle)) return failed(std::string(*contact));
    reposted_.erase(handle);  // a repost or a nudge that did not show: not tried again
    notifier_.close(handle);
}

void PausePresenter::onClosed(Notifier::Handle handle) {
    if (onReachClosed(handle)) return;
    if (reposted_.erase(handle) > 0) return;
    if (const std::string* contact = contactOf(handle))
        choose(*contact, PauseChoice::Which::ClosedWithoutChoice, false);
}

// Forgets the pause, closes its notification if asked, then reports: the callback may open a
// new pause for the same contact.
void PausePresenter::choose(const std::string& contact, PauseChoice::Which which, bool close) {
    auto it = pauses_.find(contact);
    if (it == pauses_.end()) return;
    PauseChoice choice{contact, std::move(it->second.request.held_ids), it->second.request.app_name,
                       which};
    Notifier::Handle handle = it->second.handle;
    pauses_.erase(it);
    if (close) notifier_.close(handle);
    updateTicker();
    if (on_choice_) on_choice_(choice);
}

const std::string* PausePresenter::contactOf(Notifier::Handle handle) const {
    for (const auto& [contact, pause] : pauses_)
        if (pause.handle == handle) return &contact;
    return nullptr;
}

void PausePresenter::updateTicker() {
    auto counts = [](const auto& entry) {
        return entry.second.elapsed < entry.second.request.seconds;
    };
    auto stale = [](const auto& entry) { return entry.second.stale; };
    bool counting = std::any_of(pauses_.begin(), pauses_.end(), counts) ||
                    std::any_of(pauses_.begin(), pauses_.end(), stale) ||
                    std::any_of(reaches_.begin(), reaches_.end(), counts);
    if (counting == ticking_) return;
    ticking_ = counting;
    if (counting)
        ticker_.start([this] { tick(); });
    else
        ticker_.stop();
}

void PausePresenter::repost(const RepostMessage& message) {
    // Where the server's own rules are in force (config/server_rules.hpp), the app's name gets
    // an invisible word joiner after it: the rules match the app's name exactly, and must not
    // hide a message the person chose to see.
    // Rules may also match the desktop entry: then the server is not told it (a click still
    // opens the app: nocontact opens it itself).
    const bool mark = mark_reposts_ && mark_reposts_();
    NotificationContent content{.app_name = message.app_name + (mark ? config::kRepostMark : ""),
                                .app_icon = message.app_icon,
                                .summary = message.summary,
                                .body = message.body,
                                .desktop_entry = mark ? std::string() : message.desktop_entry};
    if (!message.desktop_entry.empty())
        content.actions.push_back({kActionDefault, i18n::tr(strings::kOpenApp)});
    Notifier::Handle handle = notifier_.post(content);
    if (handle != 0) reposted_[handle] = message.desktop_entry;
}

void PausePresenter::nudge(const std::string& contact, int hour) {
    NotificationContent content{.app_name = kPauseAppName,
                                .summary = strings::nudge(nudge_turn_++, hour),
                                .transient = true,
                                .urgency = Urgency::Low};
    if (notifier_.post(content) == 0)
        log::write(log::Priority::Warning, "the nudge could not be shown",
                   {.contact = contact, .action = "nudge"});
}

void PausePresenter::dismiss(const std::string& contact) {
    auto it = pauses_.find(contact);
    if (it == pauses_.end()) return;
    Notifier::Handle handle = it->second.handle;
    pauses_.erase(it);
    notifier_.close(handle);
    updateTicker();
}

void PausePresenter::withdraw(const std::string& contact, std::int64_t held_id) {
    auto it = pauses_.find(contact);
    if (it == pauses_.end()) return;
    auto& ids = it->second.request.held_ids;
    auto found = std::find(ids.begin(), ids.end(), held_id);
    if (found == ids.end()) return;
    ids.erase(found);
    if (ids.empty()) return dismiss(contact);
    it->second.messages = ids.size();
    it->second.stale = true;  // the new count from the next second, as for a message folded in
    updateTicker();
}

void PausePresenter::showAgain() {
    std::vector<std::string> contacts;
    for (const auto& [contact, pause] : pauses_)
        contacts.push_back(contact);
    for (const auto& contact : contacts) {
        auto it = pauses_.find(contact);
        if (it == pauses_.end()) continue;
        it->second.reshow_tries = kReshowTries;
        show(contact, it->second);  // may end it, after the last try
    }
    std::vector<std::string> units;
    for (const auto& [unit, reach] : reaches_)
        units.push_back(unit);
    for (const auto& unit : units) {
        auto it = reaches_.find(unit);
        if (it != reaches_.end()) showReach(it->second, false);
    }
    updateTicker();  // a pause still to be shown is tried again next second
}

bool PausePresenter::isOpen(const std::string& contact) const {
    return pauses_.count(contact) > 0;
}

}  // namespace nocontact::daemon
