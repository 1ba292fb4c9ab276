// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/kdeconnect_watch.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>
#include <list>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "dbus/kdeconnect_decode.hpp"
#include "dbus/match.hpp"
#include "dbus/name_follower.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

// One rule per interface, each for the whole tree: hot-plugged devices need no rules of their
// own, and the busy plugins (battery, mpris...) never wake us.
#define KDECONNECT_RULE(iface)                                                        \
    "type='signal',sender='org.kde.kdeconnect',path_namespace='/modules/kdeconnect'," \
    "interface='" iface "'"
constexpr const char* kRules[] = {
    KDECONNECT_RULE("org.kde.kdeconnect.daemon"),
    KDECONNECT_RULE("org.kde.kdeconnect.device.notifications"),
    KDECONNECT_RULE("org.kde.kdeconnect.device.telephony"),
    KDECONNECT_RULE("org.kde.kdeconnect.device.conversations"),
};
#undef KDECONNECT_RULE
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
// Android keeps a few dozen notifications at a time; a phone that connects sends them all at
// once. Past these bounds the oldest are forgotten (a forgotten read is a lost notification,
// a forgotten known one only misses its `gone` on allNotificationsRemoved).
constexpr std::size_t kMaxPendingReads = 1024;
// Reads are queued and only this many are asked at once: the connection is the daemon's own,
// and dbus-daemon refuses a connection's calls past max_replies_per_connection (128 by default).
constexpr std::size_t kMaxReadsInFlight = 16;
constexpr std::size_t kMaxKnownNotifications = 4096;
constexpr std::size_t kMaxDevices = 64;
constexpr std::size_t kMaxPublicIdLength = 256;  // kdeconnectd counts: "1", "2", ...

}  // namespace

struct KdeConnectWatch::Impl {
    // A GetAll of one notification's properties, waiting (no slot) or in flight.
    struct Read {
        Impl* self = nullptr;
        std::string device;
        std::string id;
        std::string path;
        sd_bus_slot* slot = nullptr;
    };
    using Key = std::pair<std::string, std::string>;  // device, public id

    sd_bus* bus = nullptr;
    Callbacks callbacks;
    std::vector<sd_bus_slot*> matches;
    NameFollower follower{bus, names::kKdeConnectService,
                          [this](const std::string& o) { setOwner(o); }};
    sd_bus_slot* listed = nullptr;
    std::string owner;     // kdeconnectd's unique name, "" when it is not there
    bool settled = false;  // presence was reported at least once
    std::set<std::string> devices;
    std::list<Read> reads;  // oldest first; list nodes stay put for the slots' userdata
    std::size_t in_flight = 0;
    std::list<Key> known;  // notifications reported and not yet gone, oldest first
    std::unordered_map<std::string, std::list<Key>::iterator> known_index;

    Impl(sd_bus* b, Callbacks c) : bus(b), callbacks(std::move(c)) {}
    ~Impl() {
        for (sd_bus_slot* slot : matches)
            sd_bus_slot_unref(slot);
        sd_bus_slot_unref(listed);
        for (Read& read : reads)
            sd_bus_slot_unref(read.slot);
    }

    static std::string keyOf(const std::string& device, const std::string& id) {
        return device + '/' + id;  // a device id is one path element: no '/'
    }

    // --- presence -------------------------------------------------------------------------

    // The one place presence changes: a new owner is a restart, reported as gone then present.
    void setOwner(const std::string& next) {
        if (settled && next == owner) return;
        if (!owner.empty()) {
            lost();
        } else if (!settled && next.empty() && callbacks.presence) {
            callbacks.presence(false);
        }
        settled = true;
        owner = next;
        if (owner.empty()) return;
        if (callbacks.presence) callbacks.presence(true);
        listDevices();
    }

    // kdeconnectd went away: its devices and notifications with it (a new one numbers its
    // notifications from 1 again).
    void lost() {
        listed = sd_bus_slot_unref(listed);
        cancelReads([](const Read&) { return true; });
        devices.clear();
        std::list<Key> gone;
        gone.swap(known);
        known_index.clear();
        for (const Key& key : gone)
            if (callbacks.notification_gone) callbacks.notification_gone(key.first, key.second);
        if (callbacks.presence) callbacks.presence(false);
    }

    // --- devices --------------------------------------------------------------------------

    // devices(onlyReachable=false, onlyPaired=true): the paired phones, reachable or not.
    void listDevices() {
        listed = sd_bus_slot_unref(listed);
        sd_bus_call_method_async(bus, &listed, names::kKdeConnectService, names::kKdeConnectPath,
                                 names::kKdeConnectDaemon, "devices", &onDevices, this, "bb", 0, 1);
    }

    static int onDevices(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr) || !sd_bus_message_has_signature(m, "as") ||
            sd_bus_message_enter_container(m, 'a', "s") < 0)
            return 1;
        std::set<std::string> listed;
        const char* id = nullptr;
        while (sd_bus_message_read_basic(m, 's', &id) > 0)
            if (id && listed.size() < kMaxDevices) listed.insert(id);
        self->devices = std::move(listed);
        return 1;
    }

    void onDaemonSignal(sd_bus_message* m) {
        if (sd_bus_message_is_signal(m, nullptr, "deviceRemoved")) {
            const char* id = nullptr;
            if (!sd_bus_message_has_signature(m, "s") || sd_bus_message_read(m, "s", &id) < 0)
                return;
            devices.erase(id);
            forgetDevice(id);
        } else if (!sd_bus_message_is_signal(m, nullptr, "deviceAdded") &&
                   !sd_bus_message_is_signal(m, nullptr, "deviceVisibilityChanged") &&
                   !sd_bus_message_is_signal(m, nullptr, "deviceListChanged")) {
            return;
        }
        // Added (paired or only discovered), removed, paired or unpaired: ask for the list
        // again rather than guess which of these kdeconnectd means.
        listDevices();
    }

    // --- notifications --------------------------------------------------------------------

    void onNotificationsSignal(sd_bus_message* m, const std::string& device) {
        const char* id = nullptr;
        if (sd_bus_message_is_signal(m, nullptr, "allNotificationsRemoved")) {
            forgetDevice(device);
            return;
        }
        if (!sd_bus_message_has_signature(m, "s") || sd_bus_message_read(m, "s", &id) < 0 || !id ||
            !*id || std::strlen(id) > kMaxPublicIdLength)
            return;
        if (sd_bus_message_is_signal(m, nullptr, "notificationPosted") ||
            sd_bus_message_is_signal(m, nullptr, "notificationUpdated")) {
            read(device, id, sd_bus_message_get_path(m));
        } else if (sd_bus_message_is_signal(m, nullptr, "notificationRemoved")) {
            cancelReads([&](const Read& r) { return r.device == device && r.id == id; });
            forget(keyOf(device, id));
            if (callbacks.notification_gone) callbacks.notification_gone(device, id);
        }
    }

    // Reads the notification's properties; a read of the same one not answered yet is
    // superseded.
    void read(const std::string& device, const std::string& id, const char* plugin_path) {
        std::string path = std::string(plugin_path) + '/' + id;
        if (!sd_bus_object_path_is_valid(path.c_str())) return;
        cancelReads([&](const Read& r) { return r.device == device && r.id == id; });
        if (reads.size() >= kMaxPendingReads) cancelRead(&reads.front());
        reads.push_back(Read{this, device, id, std::move(path), nullptr});
        pump();
    }

    // Sends the oldest waiting reads while fewer than kMaxReadsInFlight are out.
    void pump() {
        for (auto it = reads.begin(); it != reads.end() && in_flight < kMaxReadsInFlight;) {
            if (it->slot) {
                ++it;
            } else if (sd_bus_call_method_async(bus, &it->slot, names::kKdeConnectService,
                                                it->path.c_str(), kProperties, "GetAll", &onRead,
                                                &*it, "s", names::kKdeConnectNotification) >= 0) {
                ++in_flight;
                ++it;
            } else {
                it = reads.erase(it);
            }
        }
    }

    static int onRead(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* r = static_cast<Read*>(userdata);
        Impl* self = r->self;
        std::string device = std::move(r->device);
        std::string id = std::move(r->id);
        // The slot is unref'd here, inside its own callback: sd-bus holds a reference until
        // the callback returns.
        self->cancelRead(r);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;  // gone already
        auto n = decodeKdeConnectNotification(m);
        if (!n) return 1;
        n->device = std::move(device);
        n->id = std::move(id);
        self->remember(n->device, n->id);
        if (self->callbacks.notification) self->callbacks.notification(*n);
        return 1;
    }

    void cancelRead(const Read* read) {
        cancelReads([read](const Read& r) { return &r == read; });
    }

    template <typename Pred>
    void cancelReads(Pred pred) {
        for (auto it = reads.begin(); it != reads.end();) {
            if (!pred(*it)) {
                ++it;
                continue;
            }
            if (it->slot) --in_flight;
            sd_bus_slot_unref(it->slot);
            it = reads.erase(it);
        }
        pump();  // the places freed go to the reads waiting
    }

    void remember(const std::string& device, const std::string& id) {
        std::string key = keyOf(device, id);
        if (known_index.count(key)) return;
        if (known.size() >= kMaxKnownNotifications)
            forget(keyOf(known.front().first, known.front().second));
        known_index.emplace(std::move(key), known.insert(known.end(), Key{device, id}));
    }

    void forget(const std::string& key) {
        auto it = known_index.find(key);
        if (it == known_index.end()) return;
        known.erase(it->second);
        known_index.erase(it);
    }

    // allNotificationsRemoved, or the device is gone: each of its notifications is gone.
    void forgetDevice(const std::string& device) {
        cancelReads([&](const Read& r) { return r.device == device; });
        std::vector<std::string> gone;
        for (const Key& key : known)
            if (key.first == device) gone.push_back(key.second);
        for (const std::string& id : gone) {
            forget(keyOf(device, id));
            if (callbacks.notification_gone) callbacks.notification_gone(device, id);
        }
    }

    // --- telephony and SMS ----------------------------------------------------------------

    void onCallReceived(sd_bus_message* m, const std::string& device) {
        if (!sd_bus_message_is_signal(m, nullptr, "callReceived")) return;
        auto ring = decodeCallReceived(m);
        if (!ring || !callbacks.ring) return;
        ring->device = device;
        callbacks.ring(*ring);
    }

    // conversationUpdated: the newest message of a thread; conversationCreated: the first of
    // a thread kdeconnectd had not seen (a new correspondent's first SMS comes this way).
    void onConversation(sd_bus_message* m, const std::string& device) {
        if (!sd_bus_message_is_signal(m, nullptr, "conversationUpdated") &&
            !sd_bus_message_is_signal(m, nullptr, "conversationCreated"))
            return;
        auto msg = decodeConversationMessage(m);
        if (!msg || !callbacks.sms) return;
        msg->device = device;
        callbacks.sms(*msg);
    }

    static int onSignal(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char* iface = sd_bus_message_get_interface(m);
        const char* path = sd_bus_message_get_path(m);
        if (!iface || !path) return 1;
        std::string_view i = iface;
        std::string device;
        if (i == names::kKdeConnectDaemon) {
            if (std::strcmp(path, names::kKdeConnectPath) == 0) self->onDaemonSignal(m);
        } else if (i == names::kKdeConnectNotifications) {
            if (!(device = kdeConnectDeviceOf(path, "/notifications")).empty())
                self->onNotificationsSignal(m, device);
        } else if (i == names::kKdeConnectTelephony) {
            if (!(device = kdeConnectDeviceOf(path, "/telephony")).empty())
                self->onCallReceived(m, device);
        } else if (i == names::kKdeConnectConversations) {
            if (!(device = kdeConnectDeviceOf(path, "")).empty()) self->onConversation(m, device);
        }
        return 1;  // malformed signals are skipped, never fatal
    }
};

KdeConnectWatch::KdeConnectWatch(sd_bus* bus, Callbacks callbacks)
    : impl_(std::make_unique<Impl>(bus, std::move(callbacks))) {}

KdeConnectWatch::~KdeConnectWatch() = default;

void KdeConnectWatch::start() {
    // The signal rules go out before the follower's rule and question: kdeconnectd's signals
    // are heard from the moment it is known to be there.
    int r = 0;
    for (const char* rule : kRules) {
        sd_bus_slot* slot = nullptr;
        if (r >= 0)
            r = sd_bus_add_match_async(impl_->bus, &slot, rule, &Impl::onSignal,
                                       &keepConnectionOnRefusedMatch, impl_.get());
        if (slot) impl_->matches.push_back(slot);
    }
    if (r < 0) throw std::runtime_error("cannot watch KDE Connect");
    impl_->follower.start();
}

std::vector<std::string> KdeConnectWatch::devices() const {
    return {impl_->devices.begin(), impl_->devices.end()};
}

}  // namespace nocontact::dbus
