// SPDX-License-Identifier: GPL-3.0-or-later
// Phones and calls (DESIGN.md §2, §4): KDE Connect on the session bus, GNOME Calls on the
// session bus, ModemManager on the system bus. Each source is followed while the policy's
// `sources:` has it on; what it reports becomes a policy event, the engine decides, and the
// decision is carried out as far as the service allows: a call is hung up, answered after a
// pause, or left to ring; SMS and calls go into the journal. Part of Daemon.
#include <systemd/sd-bus.h>

#include <glib.h>

#include <algorithm>

#include "config/i18n.hpp"
#include "config/local_time.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

namespace {

constexpr const char* kKdeConnect = "kdeconnect";
constexpr const char* kGnomeCalls = "gnome_calls";
constexpr const char* kModemManager = "modemmanager";
// GNOME Calls on a Linux phone places its calls through ModemManager: one call, seen twice.
// The same number in the same direction within this time is that one call.
constexpr auto kSameCallWindow = std::chrono::seconds(60);
// A phone notification and its desktop copy (KDE Connect posts both) arrive within this time
// of each other.
constexpr auto kCopyWindow = std::chrono::seconds(10);
constexpr guint kCopyCheckSeconds = 2;
// An SMS the phone says was sent or received longer ago than this is history, not news.
constexpr auto kSmsFreshFor = std::chrono::minutes(10);
constexpr std::size_t kMaxRemembered = 256;  // calls, copies: a bound, never reached in use

policy::Source sourceOf(const std::string& source) {
    if (source == kGnomeCalls) return policy::Source::GnomeCalls;
    if (source == kModemManager) return policy::Source::ModemManager;
    return policy::Source::KdeConnect;
}

policy::Event phoneEvent(const std::string& source, policy::Kind kind, bool incoming,
                         const std::string& name, const std::string& number) {
    policy::Event e;
    e.source = sourceOf(source);
    e.kind = kind;
    e.direction = incoming ? policy::Direction::Incoming : policy::Direction::Outgoing;
    e.app = source;
    e.sender = name;
    if (!number.empty()) e.identifiers.push_back({policy::Identifier::Type::Phone, number, ""});
    return e;
}

template <typename Map>
void bound(Map& map) {
    if (map.size() > kMaxRemembered) map.clear();
}

// The digits of a number, for telling one call seen by two sources apart from another.
std::string digitsOf(const std::string& number) {
    std::string digits;
    for (char c : number)
        if (c >= '0' && c <= '9') digits += c;
    return digits.size() > 9 ? digits.substr(digits.size() - 9) : digits;
}

// What the journal says was done about a call: what the engine asked, except that a call to
// silence rings on where the source cannot quiet it (KDE Connect and ModemManager offer no way;
// GNOME Calls does, with Silence).
std::string doneAbout(const policy::Decision& decision, bool can_silence = false) {
    if (decision.primary() == policy::Action::Silence && !can_silence) return "rang-on";
    return std::string(policy::actionName(decision.primary()));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return !needle.empty() && haystack.find(needle) != std::string::npos;
}

// Whether a desktop body shows the phone's text: as it is, or escaped for markup.
bool shows(const std::string& body, const std::string& text) {
    if (contains(body, text)) return true;
    gchar* escaped = g_markup_escape_text(text.c_str(), -1);
    bool found = contains(body, escaped);
    g_free(escaped);
    return found;
}

}  // namespace

void Daemon::followPhones() {
    const policy::Sources& on = impl_->engine.policy().sources;
    sd_bus* actor = impl_->withholder ? impl_->withholder->bus() : nullptr;
    if (!actor || options_.dry_run) return;
    if (on.kdeconnect && !impl_->kdeconnect) {
        dbus::KdeConnectWatch::Callbacks cb;
        cb.notification = [this](const dbus::PhoneNotification& n) { onPhoneNotification(n); };
        cb.ring = [this](const dbus::PhoneRing& r) { onPhoneRing(r); };
        cb.sms = [this](const dbus::PhoneConversationMessage& m) { onPhoneConversation(m); };
        cb.presence = [this](bool present) { onPhoneSource(kKdeConnect, present); };
        impl_->kdeconnect = std::make_unique<dbus::KdeConnectWatch>(actor, std::move(cb));
        try {
            impl_->kdeconnect->start();
        } catch (const std::exception& e) {
            log::detail(log::Priority::Warning, "KDE Connect cannot be followed", e.what());
            impl_->kdeconnect.reset();
        }
    } else if (!on.kdeconnect) {
        impl_->kdeconnect.reset();
        impl_->phone_present.erase(kKdeConnect);
    }
    if (on.gnome_calls && !impl_->gnome_calls) {
        dbus::CallsWatch::Callbacks cb;
        cb.call = [this](const dbus::PhoneCall& c) { onPhoneCall(kGnomeCalls, c); };
        cb.gone = [this](const std::string& path) { onPhoneCallGone(path); };
        cb.presence = [this](bool present) { onPhoneSource(kGnomeCalls, present); };
        impl_->gnome_calls = std::make_unique<dbus::CallsWatch>(actor, std::move(cb));
        impl_->gnome_calls->start();
    } else if (!on.gnome_calls) {
        impl_->gnome_calls.reset();
        impl_->phone_present.erase(kGnomeCalls);
    }
    followModem(on.modemmanager);
}

// ModemManager lives on the system bus: a connection of its own, and losing it only ends
// this source (the session is still there).
void Daemon::followModem(bool on) {
    if (!on) {
        impl_->modem.reset();
        impl_->system_source.reset();
        impl_->system_bus = sd_bus_flush_close_unref(impl_->system_bus);
        impl_->phone_present.erase(kModemManager);
        return;
    }
    if (impl_->modem) return;
    int r = sd_bus_open_system(&impl_->system_bus);
    if (r < 0) {
        impl_->system_bus = nullptr;
        impl_->modem_note = "no system bus";
        log::write(log::Priority::Notice,
                   "There is no system bus; calls and SMS through "
                   "ModemManager are not followed.");
        return;
    }
    dbus::ModemWatch::Callbacks cb;
    cb.call = [this](const dbus::PhoneCall& c) { onPhoneCall(kModemManager, c); };
    cb.gone = [this](const std::string& path) { onPhoneCallGone(path); };
    cb.sms = [this](const dbus::PhoneSms& s) { onPhoneSms(s); };
    cb.presence = [this](bool present) { onPhoneSource(kModemManager, present); };
    impl_->modem = std::make_unique<dbus::ModemWatch>(impl_->system_bus, std::move(cb));
    impl_->system_source = BusSource::forSdBus(impl_->system_bus, [this] {
        log::write(log::Priority::Warning,
                   "The system bus went away; ModemManager is no "
                   "longer followed.");
        // Not from inside the source's own dispatch: dropped on the loop's next turn.
        g_idle_add(
            [](gpointer self) -> gboolean {
                static_cast<Daemon*>(self)->followModem(false);
                return G_SOURCE_REMOVE;
            },
            this);
    });
    impl_->system_source->attach();
    try {
        impl_->modem->start();
    } catch (const std::exception& e) {
        log::detail(log::Priority::Warning, "ModemManager cannot be followed", e.what());
        impl_->modem_note = e.what();
        impl_->modem.reset();
        impl_->system_source.reset();
        impl_->system_bus = sd_bus_flush_close_unref(impl_->system_bus);
    }
}

void Daemon::onPhoneSource(const std::string& source, bool present) {
    if (present) {
        impl_->phone_present.insert(source);
        log::write(log::Priority::Info, "A phone source is there", {.source = source});
    } else if (impl_->phone_present.erase(source) > 0) {
        log::write(log::Priority::Info, "A phone source went away", {.source = source});
    }
}

// --- Calls ----------------------------------------------------------------------------------

void Daemon::onPhoneCall(const std::string& source, const dbus::PhoneCall& call) {
    using State = dbus::PhoneCall::State;
    if (call.state == State::Ended) return onPhoneCallGone(call.path);
    auto seen = impl_->calls.find(call.path);
    if (seen != impl_->calls.end()) {
        // Answered, or the other end picked up: a pause about it has nothing left to ask.
        if (call.state == State::Active && impl_->keeper) impl_->keeper->reachGone(call.path);
        return;
    }
    if (call.state != State::Ringing && call.state != State::Dialing) return;
    bound(impl_->calls);
    impl_->calls[call.path] = Impl::PhoneCallSeen{source, ""};
    const auto now = config::momentNow();
    const std::string key = (call.incoming ? "in:" : "out:") + digitsOf(call.number);
    auto same = impl_->recent_calls.find(key);
    if (!digitsOf(call.number).empty() && same != impl_->recent_calls.end() &&
        same->second.source != source && now.utc - same->second.at < kSameCallWindow) {
        return;  // the same call, seen through the other source: decided once
    }
    bound(impl_->recent_calls);
    impl_->recent_calls[key] = Impl::RecentCall{source, now.utc};
    policy::Event event =
        phoneEvent(source, policy::Kind::Call, call.incoming, call.name, call.number);
    policy::Decision decision = impl_->engine.handle(event, now);
    if (!decision.contact) return;  // a stranger's call is never touched
    const std::string& contact = impl_->engine.policy().contacts[*decision.contact].name;
    impl_->calls[call.path].contact = contact;
    log::Fields fields{
        .contact = contact,
        .app = source,
        .action = std::string(policy::actionName(decision.primary())),
        .level = decision.level ? std::string(policy::levelName(*decision.level)) : "",
        .kind = call.incoming ? "call" : "outgoing call",
        .source = source};
    if (options_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
    if (options_.dry_run || !impl_->keeper) return;
    const bool can_silence = source == kGnomeCalls;
    impl_->keeper->call(impl_->engine, source, call.path, event, decision,
                        doneAbout(decision, can_silence));
    if (decision.has(policy::Action::Reject)) hangUp(source, call.path, contact, !call.incoming);
    if (decision.has(policy::Action::Silence)) {
        if (can_silence) {
            silence(source, call.path);
        } else {
            cannotSilence(source);
        }
    }
}

void Daemon::onPhoneCallGone(const std::string& path) {
    if (impl_->calls.erase(path) > 0 && impl_->keeper) impl_->keeper->reachGone(path);
}

void Daemon::hangUp(const std::string& source, const std::string& path, const std::string& contact,
                    bool tell) {
    auto done = [this, source, contact, tell](bool ok, const std::string& error) {
        if (ok) {
            if (tell) tellUser(strings::callEndedTitle(contact), strings::callEndedBody());
            return;
        }
        // Said once, not for every call: polkit will refuse the next one the same way.
        if (!impl_->hangup_refused.empty()) return;
        impl_->hangup_refused = source + ": " + error;
        log::detail(log::Priority::Warning, "A call could not be ended", error);
        // In the journal too, as a notice: the call itself is there already.
        if (impl_->keeper) impl_->keeper->notice(contact, source, "hangup-refused");
    };
    if (source == kGnomeCalls && impl_->gnome_calls) impl_->gnome_calls->hangup(path, done);
    if (source == kModemManager && impl_->modem) impl_->modem->hangup(path, done);
}

std::vector<std::string> Daemon::phoneProblems() const {
    std::vector<std::string> problems;
    if (!impl_->modem_note.empty())
        problems.push_back(std::string(kModemManager) + ": " + impl_->modem_note);
    if (!impl_->hangup_refused.empty()) problems.push_back(impl_->hangup_refused);
    for (const auto& source : impl_->silence_note)
        problems.push_back(source + ": a ringing call cannot be silenced from here");
    return problems;
}

void Daemon::silence(const std::string& source, const std::string& path) {
    if (!impl_->gnome_calls) return;
    impl_->gnome_calls->silence(path, [this, source](bool ok, const std::string& error) {
        if (ok) return;
        // Calls before Silence came: it rings on, and that is said once.
        log::detail(log::Priority::Notice, "A call could not be silenced", error);
        cannotSilence(source);
    });
}

void Daemon::cannotSilence(const std::string& source) {
    // KDE Connect and ModemManager do not let another program quiet a ringing phone over
    // D-Bus, nor do older GNOME Calls: the call rings on, and the journal has it.
    if (!impl_->silence_note.insert(source).second) return;
    log::write(log::Priority::Notice, "This phone source cannot silence a call; it rings on.",
               {.source = source});
}

void Daemon::onCallAnswer(const ReachChoice& choice) {
    auto call = impl_->calls.find(choice.unit);
    if (call == impl_->calls.end()) return;  // ended meanwhile
    const std::string source = call->second.source;
    const bool incoming = choice.kind == ReachRequest::Kind::IncomingCall;
    if (incoming && choice.which == ReachChoice::Which::OpenAnyway) {
        auto done = [](bool ok, const std::string& error) {
            if (!ok) log::detail(log::Priority::Warning, "A call could not be answered", error);
        };
        if (source == kGnomeCalls && impl_->gnome_calls)
            impl_->gnome_calls->accept(choice.unit, done);
        if (source == kModemManager && impl_->modem) impl_->modem->accept(choice.unit, done);
    } else if (!incoming && choice.which == ReachChoice::Which::LetGo) {
        hangUp(source, choice.unit, choice.contact, false);
    }
}

// --- Messages ---------------------------------------------------------------------------------

void Daemon::onPhoneSms(const dbus::PhoneSms& sms) {
    recordPhone(kModemManager,
                phoneEvent(kModemManager, policy::Kind::Message, sms.incoming, "", sms.number));
}

void Daemon::onPhoneConversation(const dbus::PhoneConversationMessage& m) {
    // KDE Connect also sends a conversation's history this way, one message per signal, when
    // an SMS app asks for it; and a new thread's first message comes as "created" and may
    // come again as "updated". Only new messages count, each once.
    const auto now = config::momentNow();
    const policy::SysTime sent{std::chrono::seconds(m.date_ms / 1000)};
    if (now.utc - sent > kSmsFreshFor) return;
    bound(impl_->kde_sms_seen);
    if (!impl_->kde_sms_seen.insert({m.device, m.thread, m.uid}).second) return;
    // The other party of a one-to-one conversation comes first; a group names everyone.
    for (const auto& address : m.addresses) {
        policy::Event e = phoneEvent(kKdeConnect, policy::Kind::Message, m.incoming, "", address);
        if (m.addresses.size() > 1) e.kind = policy::Kind::GroupMessage;
        if (recordPhone(kKdeConnect, e)) return;
    }
}

void Daemon::onPhoneRing(const dbus::PhoneRing& ring) {
    const bool ringing = ring.event == "callReceived";
    const std::string name = ring.contact_name == ring.number ? "" : ring.contact_name;
    policy::Event e =
        phoneEvent(kKdeConnect, ringing ? policy::Kind::Call : policy::Kind::MissedCall, true, name,
                   ring.number);
    policy::Decision decision = impl_->engine.handle(e, config::momentNow());
    // The ringer on the phone cannot be muted from here: KDE Connect keeps that to the button
    // on its own notification ("Incoming call from Alex"), the desktop copy paired below.
    if (decision.contact && decision.has(policy::Action::Silence) && !options_.dry_run)
        cannotSilence(kKdeConnect);
    const std::string done = doneAbout(decision);
    meetKdeCopy(std::move(e), std::move(decision), ring.contact_name, done);
}
// Journals what a phone source saw, when it is from or to a contact. True when it was.
bool Daemon::recordPhone(const std::string& source, const policy::Event& event) {
    policy::Decision decision = impl_->engine.handle(event, config::momentNow());
    if (!decision.contact) return false;
    if (options_.dry_run || !impl_->keeper) return true;
    // Their SMS reaches the person through the messaging app's own notification, which the
    // monitor judges: here it is counted, and an SMS the person sent is reaching out.
    impl_->keeper->record(impl_->engine, source, event, decision, "count");
    return true;
}

// A notification forwarded from the phone. KDE Connect also posts it on the desktop; that
// copy is what can be withheld.
void Daemon::onPhoneNotification(const dbus::PhoneNotification& n) {
    policy::Event e = phoneEvent(kKdeConnect, policy::Kind::Message, true, n.title, "");
    e.text = n.text;
    policy::Decision decision = impl_->engine.handle(e, config::momentNow());
    const std::string needle = n.text;
    meetKdeCopy(std::move(e), std::move(decision), needle, "count");
}

// KDE Connect reports what the phone sends twice: on its own interfaces and as a desktop
// notification whose body shows `needle` (the text; for a call, the caller's name). Whichever
// arrives second makes the pair, and the pair is judged once: by the copy's own profile when it
// could place it, else with what the phone said. A phone half whose copy never comes (the
// desktop shows none) is journaled alone, with `action`, after kCopyWindow.
void Daemon::meetKdeCopy(policy::Event e, policy::Decision decision, const std::string& needle,
                         const std::string& action) {
    const auto now = config::momentNow();
    auto& copies = impl_->kde_copies;
    std::erase_if(copies, [&](const auto& c) { return now.utc - c.at > kCopyWindow; });
    for (auto it = copies.begin(); it != copies.end(); ++it) {
        if (!shows(it->observed.notification.body, needle)) continue;
        bool judged = it->judged;
        dbus::Observed copy = std::move(it->observed);
        copies.erase(it);
        if (!judged && decision.contact) act(copy, e, decision);
        return;
    }
    if (!decision.contact) return;
    bound(impl_->kde_waiting);
    impl_->kde_waiting.push_back({now.utc, std::move(e), std::move(decision), needle, action});
    if (impl_->kde_timer) return;
    impl_->kde_timer = g_timeout_add_seconds(
        kCopyCheckSeconds,
        [](gpointer self) -> gboolean {
            auto* daemon = static_cast<Daemon*>(self);
            daemon->expirePhoneNotifications();
            if (!daemon->impl_->kde_waiting.empty()) return G_SOURCE_CONTINUE;
            daemon->impl_->kde_timer = 0;
            return G_SOURCE_REMOVE;
        },
        this);
}

// Called by onObserved for each desktop copy KDE Connect posts. True when a phone half was
// waiting for it (and the pair was judged here).
bool Daemon::pairKdeCopy(const dbus::Observed& observed, bool judged) {
    const auto now = config::momentNow();
    auto& waiting = impl_->kde_waiting;
    for (auto it = waiting.begin(); it != waiting.end(); ++it) {
        if (!shows(observed.notification.body, it->needle)) continue;
        Impl::PhoneWaiting w = std::move(*it);
        waiting.erase(it);
        if (!judged) act(observed, w.event, w.decision);
        return true;
    }
    bound(impl_->kde_copies);
    impl_->kde_copies.push_back({now.utc, observed, judged});
    return false;
}

void Daemon::expirePhoneNotifications() {
    const auto now = config::momentNow();
    auto& waiting = impl_->kde_waiting;
    for (auto it = waiting.begin(); it != waiting.end();) {
        if (now.utc - it->at + std::chrono::seconds(kCopyCheckSeconds) <= kCopyWindow) {
            ++it;
            continue;
        }
        if (impl_->keeper && !options_.dry_run)
            impl_->keeper->record(impl_->engine, kKdeConnect, it->event, it->decision, it->action);
        it = waiting.erase(it);
    }
}

}  // namespace nocontact::daemon
