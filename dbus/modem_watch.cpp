// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/modem_watch.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "dbus/ask.hpp"
#include "dbus/match.hpp"
#include "dbus/modem_decode.hpp"
#include "dbus/name_follower.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

using namespace names;
using namespace modem;

constexpr const char* kObjectsRule =
    "type='signal',sender='org.freedesktop.ModemManager1',path='/org/freedesktop/ModemManager1',"
    "interface='org.freedesktop.DBus.ObjectManager'";
constexpr const char* kVoiceRule =
    "type='signal',sender='org.freedesktop.ModemManager1',"
    "interface='org.freedesktop.ModemManager1.Modem.Voice'";
constexpr const char* kMessagingRule =
    "type='signal',sender='org.freedesktop.ModemManager1',"
    "interface='org.freedesktop.ModemManager1.Modem.Messaging'";
// Calls and SMS change state through PropertiesChanged (a call also sends StateChanged; only
// one of the two is followed, so that each change is reported once).
constexpr const char* kPropertiesRule =
    "type='signal',sender='org.freedesktop.ModemManager1',"
    "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
    "path_namespace='/org/freedesktop/ModemManager1'";

// A phone has one modem, a laptop one or two; more than this is not a real machine.
constexpr std::size_t kMaxModems = 16;
// GSM allows one active, one held and one waiting call per modem (and multiparty up to 5+1);
// at the bound, calls already TERMINATED are let go (reported gone), and if none is, the new
// call is ignored: that many live calls is a misbehaving service.
constexpr std::size_t kMaxCalls = 64;
// SMS are remembered until deleted so that each is reported once; a SIM holds a few dozen,
// phone storage a few hundred. Reported ones are forgotten first when the bound is reached.
constexpr std::size_t kMaxSms = 1024;

}  // namespace

struct ModemWatch::Impl {
    struct Entry {  // a modem, call or SMS; the slot is its one pending call, cancelled with it
        Impl* impl = nullptr;
        std::string path;
        std::string modem;
        sd_bus_slot* pending = nullptr;
        Entry() = default;
        Entry(const Entry&) = delete;
        ~Entry() { sd_bus_slot_unref(pending); }
    };
    struct Modem : Entry {
        Interfaces has;
        sd_bus_slot* sms_listed = nullptr;  // `pending` lists the calls
        ~Modem() { sd_bus_slot_unref(sms_listed); }
    };
    struct Call : Entry {
        bool reported = false;
        std::int32_t state = 0;
        PhoneCall last;
    };
    struct Sms : Entry {
        bool reported = false;
        bool old = false;  // listed, not added: already there before we looked
    };

    sd_bus* bus = nullptr;
    Callbacks cb;
    std::vector<sd_bus_slot*> matches;
    NameFollower follower{bus, kModemManagerService, [this](const std::string& o) { setOwner(o); }};
    sd_bus_slot* objects_listed = nullptr;
    std::string owner;  // ModemManager's unique name; empty while it is not running
    bool owner_known = false;
    std::map<std::string, Modem> modems;
    std::map<std::string, Call> calls;
    std::map<std::string, Sms> sms;

    Impl(sd_bus* b, Callbacks c) : bus(b), cb(std::move(c)) {}
    ~Impl() {
        modems.clear();  // their slots first: nothing may answer into a freed Impl
        calls.clear();
        sms.clear();
        for (sd_bus_slot* slot : matches)
            sd_bus_slot_unref(slot);
        sd_bus_slot_unref(objects_listed);
    }

    // Asks ModemManager (its unique name: a reply from an older instance cannot come back).
    void ask(sd_bus_slot** slot, const std::string& path, const char* iface, const char* member,
             sd_bus_message_handler_t handler, void* userdata, const char* arg = nullptr) {
        *slot = sd_bus_slot_unref(*slot);
        if (owner.empty()) return;
        if (arg)
            sd_bus_call_method_async(bus, slot, owner.c_str(), path.c_str(), iface, member, handler,
                                     userdata, "s", arg);
        else
            sd_bus_call_method_async(bus, slot, owner.c_str(), path.c_str(), iface, member, handler,
                                     userdata, "");
    }

    // --- presence -----------------------------------------------------------------------------

    void setOwner(const std::string& now) {
        if (owner_known && now == owner) return;
        bool had = !owner.empty();
        if (had) forgetAll();
        owner = now;
        if (!now.empty()) {
            if (cb.presence) cb.presence(true);
            ask(&objects_listed, kModemManagerPath, kObjectManagerInterface, "GetManagedObjects",
                &onObjectsListed, this);
        } else if (!had && !owner_known && cb.presence) {
            cb.presence(false);  // the first answer: it is not running
        }
        owner_known = true;
    }

    // ModemManager went away: its calls with it.
    void forgetAll() {
        std::vector<std::string> gone;
        for (const auto& [path, call] : calls)
            if (call.reported) gone.push_back(path);
        objects_listed = sd_bus_slot_unref(objects_listed);
        modems.clear();
        calls.clear();
        sms.clear();
        if (cb.presence) cb.presence(false);
        for (const std::string& path : gone)
            if (cb.gone) cb.gone(path);
    }

    // --- modems -------------------------------------------------------------------------------

    void modemHas(const std::string& path, Interfaces has) {
        auto it = modems.find(path);
        if (it == modems.end()) {
            if ((!has.voice && !has.messaging) || modems.size() >= kMaxModems) return;
            it = modems.try_emplace(path).first;
            it->second.impl = this;
            it->second.path = path;
        }
        Modem& modem = it->second;
        if (has.voice && !modem.has.voice) {
            modem.has.voice = true;
            ask(&modem.pending, path, kModemManagerVoice, "ListCalls", &onCallsListed, &modem);
        }
        if (has.messaging && !modem.has.messaging) {
            modem.has.messaging = true;
            ask(&modem.sms_listed, path, kModemManagerMessaging, "List", &onSmsListed, &modem);
        }
    }

    // Calls and SMS go with their modem's interface, even from a modem not listed yet.
    void modemLost(const std::string& path, Interfaces lost) {
        std::vector<std::string> gone;
        if (lost.voice) {
            std::erase_if(calls, [&](const auto& kv) {
                if (kv.second.modem != path) return false;
                if (kv.second.reported) gone.push_back(kv.first);
                return true;
            });
        }
        if (lost.messaging)
            std::erase_if(sms, [&](const auto& kv) { return kv.second.modem == path; });
        if (auto it = modems.find(path); it != modems.end()) {
            Modem& modem = it->second;
            if (lost.voice) modem.pending = sd_bus_slot_unref(modem.pending);
            if (lost.messaging) modem.sms_listed = sd_bus_slot_unref(modem.sms_listed);
            modem.has.voice &= !lost.voice;
            modem.has.messaging &= !lost.messaging;
            if (!modem.has.voice && !modem.has.messaging) modems.erase(it);
        }
        for (const std::string& call : gone)
            if (cb.gone) cb.gone(call);
    }

    // --- calls --------------------------------------------------------------------------------

    void callAdded(const std::string& path, const std::string& modem) {
        if (calls.count(path)) return;
        if (calls.size() >= kMaxCalls) {
            std::vector<std::string> ended;
            for (const auto& [old, call] : calls)
                if (call.reported && call.state == kCallTerminated) ended.push_back(old);
            for (const std::string& old : ended)
                callDeleted(old);
            if (calls.size() >= kMaxCalls) return;
        }
        Call& call = calls.try_emplace(path).first->second;
        call.impl = this;
        call.path = path;
        call.modem = modem;
        call.last.path = path;
        ask(&call.pending, path, kPropertiesInterface, "GetAll", &onCallRead, &call,
            kModemManagerCall);
    }

    void callDeleted(const std::string& path) {
        auto it = calls.find(path);
        if (it == calls.end()) return;
        bool reported = it->second.reported;
        calls.erase(it);
        if (reported && cb.gone) cb.gone(path);
    }

    // Reports the call when first read, and again when its state differs from the last report.
    void report(Call& call, std::int32_t state) {
        if (call.reported && state == call.state) return;
        call.reported = true;
        call.state = state;
        call.last.state = callState(state);
        if (cb.call) cb.call(call.last);
    }

    static int onCallRead(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* call = static_cast<Call*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;  // gone already: CallDeleted
        std::int32_t state = -1;  // missing or mistyped: reported as Other
        readCall(m, call->last, &state);
        call->impl->report(*call, state);
        return 1;
    }

    void callChanged(const std::string& path, sd_bus_message* m) {
        auto it = calls.find(path);
        if (it == calls.end()) return;
        std::int32_t state = 0;
        // Before the first GetAll answers there is nothing to compare with: its answer is newer.
        if (readCall(m, it->second.last, &state) && it->second.reported) report(it->second, state);
    }

    // --- SMS ----------------------------------------------------------------------------------

    void smsAdded(const std::string& path, const std::string& modem, bool old) {
        if (sms.count(path)) return;
        if (sms.size() >= kMaxSms)
            std::erase_if(sms, [](const auto& kv) { return kv.second.reported; });
        if (sms.size() >= kMaxSms) return;
        Sms& one = sms.try_emplace(path).first->second;
        one.impl = this;
        one.path = path;
        one.modem = modem;
        one.old = old;
        readSms(one);
    }

    void readSms(Sms& one) {
        ask(&one.pending, one.path, kPropertiesInterface, "GetAll", &onSmsRead, &one,
            kModemManagerSms);
    }

    static int onSmsRead(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* one = static_cast<Sms*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr) || one->reported) return 1;
        PhoneSms out{one->path, true, "", ""};
        std::uint32_t state = modem::readSms(m, out);
        if (state != kSmsReceived && state != kSmsSent) return 1;  // not complete yet
        one->reported = true;
        out.incoming = state == kSmsReceived;
        if (!one->old && one->impl->cb.sms) one->impl->cb.sms(out);
        return 1;
    }

    // An SMS becoming RECEIVED or SENT is read again, whole.
    void smsChanged(const std::string& path, sd_bus_message* m) {
        auto it = sms.find(path);
        if (it == sms.end() || it->second.reported) return;
        std::uint32_t state = readSmsState(m);
        if (state == kSmsReceived || state == kSmsSent) {
            it->second.old = false;  // completed while we watched
            readSms(it->second);
        }
    }

    // --- bus callbacks --------------------------------------------------------------------------

    static int onObjectsListed(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;
        if (sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}") <= 0) return 1;
        const char* path = nullptr;
        while (sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}") > 0) {
            if (sd_bus_message_read_basic(m, 'o', &path) <= 0) return 1;
            Interfaces has = readInterfaces(m);
            if (sd_bus_message_exit_container(m) < 0) return 1;
            self->modemHas(path, has);
        }
        return 1;
    }

    static int onCallsListed(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* modem = static_cast<Modem*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;
        for (const std::string& path : readPaths(m))
            modem->impl->callAdded(path, modem->path);
        return 1;
    }

    static int onSmsListed(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* modem = static_cast<Modem*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;
        for (const std::string& path : readPaths(m))
            modem->impl->smsAdded(path, modem->path, true);
        return 1;
    }

    static int onSignal(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char* sender = sd_bus_message_get_sender(m);
        const char* at = sd_bus_message_get_path(m);
        if (!sender || !at || self->owner != sender) return 1;  // only ModemManager's own
        const char* path = nullptr;
        int received = 0;
        if (sd_bus_message_is_signal(m, kModemManagerVoice, "CallAdded")) {
            if (sd_bus_message_read(m, "o", &path) > 0) self->callAdded(path, at);
        } else if (sd_bus_message_is_signal(m, kModemManagerVoice, "CallDeleted")) {
            if (sd_bus_message_read(m, "o", &path) > 0) self->callDeleted(path);
        } else if (sd_bus_message_is_signal(m, kModemManagerMessaging, "Added")) {
            if (sd_bus_message_read(m, "ob", &path, &received) > 0) self->smsAdded(path, at, false);
        } else if (sd_bus_message_is_signal(m, kModemManagerMessaging, "Deleted")) {
            if (sd_bus_message_read(m, "o", &path) > 0) self->sms.erase(path);
        } else if (sd_bus_message_is_signal(m, kObjectManagerInterface, "InterfacesAdded")) {
            if (sd_bus_message_read(m, "o", &path) > 0) self->modemHas(path, readInterfaces(m));
        } else if (sd_bus_message_is_signal(m, kObjectManagerInterface, "InterfacesRemoved")) {
            onInterfacesRemoved(self, m);
        } else if (sd_bus_message_is_signal(m, kPropertiesInterface, "PropertiesChanged")) {
            const char* iface = nullptr;
            if (sd_bus_message_read(m, "s", &iface) <= 0) return 1;
            if (std::strcmp(iface, kModemManagerCall) == 0) self->callChanged(at, m);
            if (std::strcmp(iface, kModemManagerSms) == 0) self->smsChanged(at, m);
        }
        return 1;  // malformed signals are skipped, never fatal
    }

    static void onInterfacesRemoved(Impl* self, sd_bus_message* m) {
        const char* path = nullptr;
        if (sd_bus_message_read(m, "o", &path) <= 0) return;
        std::string modem = path;
        Interfaces lost = readInterfaceNames(m);
        if (lost.voice || lost.messaging) self->modemLost(modem, lost);
    }
};

ModemWatch::ModemWatch(sd_bus* system_bus, Callbacks callbacks)
    : impl_(std::make_unique<Impl>(system_bus, std::move(callbacks))) {}

ModemWatch::~ModemWatch() = default;

void ModemWatch::start() {
    for (const char* rule : {kObjectsRule, kVoiceRule, kMessagingRule, kPropertiesRule}) {
        sd_bus_slot* slot = nullptr;
        if (sd_bus_add_match_async(impl_->bus, &slot, rule, &Impl::onSignal,
                                   &keepConnectionOnRefusedMatch, impl_.get()) < 0)
            throw std::runtime_error("cannot watch ModemManager");
        impl_->matches.push_back(slot);
    }
    // After the matches (the bus keeps the order): ModemManager's signals are heard from the
    // moment it is known to be there.
    impl_->follower.start();
}

void ModemWatch::hangup(const std::string& path, PhoneDone done) {
    askAsync(impl_->bus, kModemManagerService, path, kModemManagerCall, "Hangup", std::move(done));
}

void ModemWatch::accept(const std::string& path, PhoneDone done) {
    askAsync(impl_->bus, kModemManagerService, path, kModemManagerCall, "Accept", std::move(done));
}

}  // namespace nocontact::dbus
