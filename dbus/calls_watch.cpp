// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/calls_watch.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>

#include "dbus/ask.hpp"
#include "dbus/match.hpp"
#include "dbus/name_follower.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

// Only the service's own unique name is believed (fromOwner): any client may send a signal
// with these paths, so the rules name no sender and each signal's sender is checked here.
constexpr const char* kObjectManagerRule =
    "type='signal',path='/org/gnome/Calls',interface='org.freedesktop.DBus.ObjectManager'";
constexpr const char* kPropertiesRule =
    "type='signal',path_namespace='/org/gnome/Calls',interface='org.freedesktop.DBus.Properties',"
    "member='PropertiesChanged',arg0='org.gnome.Calls.Call'";
// A phone has a call or two at a time (three in a conference); more than this is a service
// gone wrong, and its further calls are not followed.
constexpr std::size_t kMaxCalls = 32;
// Object paths, numbers and SIP addresses are far shorter; longer ones are cut (strings) or
// skipped (paths) so a misbehaving service cannot make us keep much.
constexpr std::size_t kMaxText = 256;

// org.gnome.Calls.Call's State on the bus, as src/dbus/org.gnome.Calls.Call.xml documents it:
// "0 = Unknown, 1 = Active, 2 = Held, 3 = Dialing, 4 = Alerting (deprecated), 5 = Incoming,
// 6 = Waiting (deprecated), 7 = Disconnected. Unrecognized values should be considered equal
// to Unknown". Current releases bind libcall-ui's CuiCallState to it, which keeps those
// numbers and leaves 4 and 6 unused. Calls' internal CallsCallState has since dropped WAITING,
// making its DISCONNECTED 6: should a release ever put that enum on the bus, 6 means ended.
enum RawState : std::uint32_t {
    kActive = 1,
    kHeld = 2,
    kDialing = 3,
    kAlerting = 4,
    kIncoming = 5,
    kWaitingOrEnded = 6,
    kDisconnected = 7,
};

// `first`: the call has just been seen. 6 is ambiguous (see RawState): a call that is already
// there when first seen and inbound is a waiting call, ringing, and must be treated so; a call
// we already follow never becomes WAITING (oFono and ModemManager decide waiting at the
// start), so there 6 is most likely its end: Other, no claim either way, and
// InterfacesRemoved follows an end anyway.
PhoneCall::State mapState(std::uint32_t raw, bool incoming, bool first) {
    switch (raw) {
        case kActive:
        case kHeld:
            return PhoneCall::State::Active;
        case kDialing:
        case kAlerting:
            return PhoneCall::State::Dialing;
        case kIncoming:
            return PhoneCall::State::Ringing;
        case kWaitingOrEnded:
            return first && incoming ? PhoneCall::State::Ringing : PhoneCall::State::Other;
        case kDisconnected:
            return PhoneCall::State::Ended;
        default:
            return PhoneCall::State::Other;
    }
}

std::string bounded(const char* s) {
    return std::string(s ? s : "").substr(0, kMaxText);
}

// The properties of org.gnome.Calls.Call we use; each only when present with its type.
struct Props {
    std::optional<bool> inbound;
    std::optional<std::uint32_t> state;
    std::optional<std::string> id;
    std::optional<std::string> display_name;
};

// The type org.gnome.Calls.Call.xml gives the properties we use; 0 for the others.
char typeOf(const std::string& key) {
    if (key == "Inbound") return 'b';
    if (key == "State") return 'u';
    if (key == "Id" || key == "DisplayName") return 's';
    return 0;
}

// One {sv} entry's value: read when the key is ours and the variant holds the expected type,
// skipped otherwise. False when the message cannot be read further.
bool readValue(sd_bus_message* m, const std::string& key, Props& props) {
    char type = 0;
    const char* contents = nullptr;
    if (sd_bus_message_peek_type(m, &type, &contents) <= 0 || type != 'v' || !contents)
        return false;
    char want = typeOf(key);
    if (!want || contents[0] != want || contents[1] != '\0')
        return sd_bus_message_skip(m, "v") >= 0;
    if (sd_bus_message_enter_container(m, 'v', contents) < 0) return false;
    int r = 0;
    if (want == 'b') {
        int b = 0;
        if ((r = sd_bus_message_read_basic(m, 'b', &b)) >= 0) props.inbound = b != 0;
    } else if (want == 'u') {
        std::uint32_t u = 0;
        if ((r = sd_bus_message_read_basic(m, 'u', &u)) >= 0) props.state = u;
    } else {
        const char* s = nullptr;
        if ((r = sd_bus_message_read_basic(m, 's', &s)) >= 0)
            (key == "Id" ? props.id : props.display_name) = bounded(s);
    }
    return r >= 0 && sd_bus_message_exit_container(m) >= 0;
}

// a{sv}: a call's properties (GetAll, InterfacesAdded, PropertiesChanged).
bool readProps(sd_bus_message* m, Props& props) {
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return false;
    int r = 0;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        if (sd_bus_message_read_basic(m, 's', &key) < 0 || !key) return false;
        if (!readValue(m, key, props)) return false;
        if (sd_bus_message_exit_container(m) < 0) return false;
    }
    return r == 0 && sd_bus_message_exit_container(m) >= 0;
}

// a{sa{sv}}: an object's interfaces; `props` gets org.gnome.Calls.Call's when it is there.
bool readInterfaces(sd_bus_message* m, std::optional<Props>& props) {
    if (sd_bus_message_enter_container(m, 'a', "{sa{sv}}") <= 0) return false;
    int r = 0;
    while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
        const char* iface = nullptr;
        if (sd_bus_message_read_basic(m, 's', &iface) < 0 || !iface) return false;
        if (std::strcmp(iface, names::kCallsCallInterface) == 0) {
            props.emplace();
            if (!readProps(m, *props)) return false;
        } else if (sd_bus_message_skip(m, "a{sv}") < 0) {
            return false;
        }
        if (sd_bus_message_exit_container(m) < 0) return false;
    }
    return r == 0 && sd_bus_message_exit_container(m) >= 0;
}

}  // namespace

struct CallsWatch::Impl {
    sd_bus* bus = nullptr;
    Callbacks callbacks;
    NameFollower follower{bus, names::kCallsService, [this](const std::string& o) { follow(o); }};
    sd_bus_slot* manager_match = nullptr;
    sd_bus_slot* properties_match = nullptr;
    sd_bus_slot* objects_query = nullptr;  // answers to this Impl: ours, not floating
    std::string owner;     // the unique name of the running Calls; empty while there is none
    bool checked = false;  // presence has been reported at least once
    struct Known {
        PhoneCall call;
        std::uint32_t raw = 0;  // State as the service gave it
    };
    std::map<std::string, Known> calls;

    Impl(sd_bus* b, Callbacks c) : bus(b), callbacks(std::move(c)) {}
    ~Impl() {
        for (sd_bus_slot* slot : {manager_match, properties_match, objects_query})
            sd_bus_slot_unref(slot);
    }

    void presence(bool present) {
        if (callbacks.presence) callbacks.presence(present);
    }

    // The service now has `unique` as owner ("" when it has none). A new owner is a new
    // instance: the old one's calls are gone with it, whatever paths the new one uses.
    void follow(const std::string& unique) {
        if (checked && unique == owner) return;
        bool was_present = !owner.empty();
        if (was_present) {
            forgetAll();
            presence(false);
        }
        owner = unique;
        if (!owner.empty()) {
            presence(true);
            listCalls();
        } else if (!checked) {
            presence(false);
        }
        checked = true;
    }

    void forgetAll() {
        objects_query = sd_bus_slot_unref(objects_query);
        auto old = std::move(calls);
        calls.clear();
        for (const auto& [path, known] : old)
            if (callbacks.gone) callbacks.gone(path);
    }

    // Asked of the unique name, so the answer is this instance's, never a successor's.
    void listCalls() {
        objects_query = sd_bus_slot_unref(objects_query);
        sd_bus_call_method_async(bus, &objects_query, owner.c_str(), names::kCallsPath,
                                 names::kObjectManagerInterface, "GetManagedObjects", &onObjects,
                                 this, "");
    }

    bool fromOwner(sd_bus_message* m) const {
        const char* sender = sd_bus_message_get_sender(m);
        return sender && !owner.empty() && owner == sender;
    }

    // A call listed by GetManagedObjects or InterfacesAdded (`adding`), or changed by
    // PropertiesChanged; reported when first seen and when its state changes, never for other
    // properties (a name found later comes with the next report).
    void update(const std::string& path, const Props& props, bool adding) {
        auto it = calls.find(path);
        if (it == calls.end()) {
            if (!adding || calls.size() >= kMaxCalls || path.size() > kMaxText) return;
            it = calls.emplace(path, Known{}).first;
            it->second.call.path = path;
            merge(it->second, props);
            it->second.call.state = mapState(it->second.raw, it->second.call.incoming, true);
            report(it->second);
            return;
        }
        Known& known = it->second;
        std::uint32_t before = known.raw;
        merge(known, props);
        if (known.raw == before) return;
        PhoneCall::State state = mapState(known.raw, known.call.incoming, false);
        if (state == known.call.state) return;
        known.call.state = state;
        report(known);
    }

    static void merge(Known& known, const Props& props) {
        if (props.inbound) known.call.incoming = *props.inbound;
        if (props.state) known.raw = *props.state;
        if (props.id) known.call.number = *props.id;
        if (props.display_name) known.call.name = *props.display_name;
    }

    void report(const Known& known) {
        if (callbacks.call) callbacks.call(known.call);
    }

    void removed(const std::string& path) {
        if (calls.erase(path) > 0 && callbacks.gone) callbacks.gone(path);
    }

    // a{oa{sa{sv}}}; each object whose part could be read is taken, the rest of a malformed
    // answer is dropped.
    static int onObjects(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;
        if (sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}") <= 0) return 1;
        while (sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}") > 0) {
            const char* path = nullptr;
            std::optional<Props> props;
            if (sd_bus_message_read_basic(m, 'o', &path) < 0 || !readInterfaces(m, props)) break;
            if (props) self->update(path, *props, true);
            if (sd_bus_message_exit_container(m) < 0) break;
        }
        return 1;
    }

    static int onManager(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        if (!self->fromOwner(m)) return 1;
        const char* path = nullptr;
        if (sd_bus_message_is_signal(m, nullptr, "InterfacesAdded")) {
            std::optional<Props> props;
            if (sd_bus_message_read_basic(m, 'o', &path) < 0 || !path) return 1;
            if (readInterfaces(m, props) && props) self->update(path, *props, true);
        } else if (sd_bus_message_is_signal(m, nullptr, "InterfacesRemoved")) {
            if (sd_bus_message_read_basic(m, 'o', &path) < 0 || !path) return 1;
            if (sd_bus_message_enter_container(m, 'a', "s") <= 0) return 1;
            const char* iface = nullptr;
            while (sd_bus_message_read_basic(m, 's', &iface) > 0) {
                if (iface && std::strcmp(iface, names::kCallsCallInterface) == 0) {
                    self->removed(path);
                    break;
                }
            }
        }
        return 1;  // malformed signals are skipped, never fatal
    }

    // (s a{sv} as): GDBus skeletons send the new values, never only invalidate them.
    static int onProperties(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char* path = sd_bus_message_get_path(m);
        const char* iface = nullptr;
        if (!path || !self->fromOwner(m)) return 1;
        if (sd_bus_message_read_basic(m, 's', &iface) < 0 || !iface ||
            std::strcmp(iface, names::kCallsCallInterface) != 0)
            return 1;
        Props props;
        if (readProps(m, props)) self->update(path, props, false);
        return 1;
    }
};

CallsWatch::CallsWatch(sd_bus* bus, Callbacks callbacks)
    : impl_(std::make_unique<Impl>(bus, std::move(callbacks))) {}

CallsWatch::~CallsWatch() = default;

// The follower subscribes before it asks who owns Calls: its answer comes after the other
// matches are in place, and so does every call made on it.
void CallsWatch::start() {
    Impl* impl = impl_.get();
    int r = sd_bus_add_match_async(impl->bus, &impl->manager_match, kObjectManagerRule,
                                   &Impl::onManager, &keepConnectionOnRefusedMatch, impl);
    if (r >= 0)
        r = sd_bus_add_match_async(impl->bus, &impl->properties_match, kPropertiesRule,
                                   &Impl::onProperties, &keepConnectionOnRefusedMatch, impl);
    if (r < 0) throw std::runtime_error("cannot watch GNOME Calls");
    impl->follower.start();
}

void CallsWatch::hangup(const std::string& path, PhoneDone done) {
    askAsync(impl_->bus, names::kCallsService, path, names::kCallsCallInterface, "Hangup",
             std::move(done));
}

void CallsWatch::accept(const std::string& path, PhoneDone done) {
    askAsync(impl_->bus, names::kCallsService, path, names::kCallsCallInterface, "Accept",
             std::move(done));
}

void CallsWatch::silence(const std::string& path, PhoneDone done) {
    askAsync(impl_->bus, names::kCallsService, path, names::kCallsCallInterface, "Silence",
             std::move(done));
}

}  // namespace nocontact::dbus
