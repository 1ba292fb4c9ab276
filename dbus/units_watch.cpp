// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/units_watch.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_set>

#include "dbus/ask.hpp"
#include "dbus/match.hpp"
#include "dbus/name_follower.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

constexpr const char* kManagerSignals =
    "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1',"
    "interface='org.freedesktop.systemd1.Manager'";
// A desktop session starts a few hundred units a day; names are forgotten when removed, and all
// at once should this ever grow past the bound.
constexpr std::size_t kMaxKnownUnits = 4096;

}  // namespace

struct UnitsWatch::Impl {
    sd_bus* bus = nullptr;
    OnLaunch on_launch;
    OnGone on_gone;
    sd_bus_slot* signals = nullptr;
    // A manager that (re)starts knows nothing of us: subscribed again, its units listed again.
    NameFollower follower{bus, names::kSystemdService, [this](const std::string& owner) {
                              if (!owner.empty()) subscribe();
                          }};
    sd_bus_slot* subscribed = nullptr;  // the calls that answer to this Impl: ours, not floating
    sd_bus_slot* listed = nullptr;
    std::unordered_set<std::string> known;
    // Between Reloading(true) and Reloading(false) the manager frees and loads every unit
    // again, with UnitRemoved and UnitNew for each: none of that is an app coming or going.
    bool reloading = false;

    Impl(sd_bus* b, OnLaunch launch, OnGone gone)
        : bus(b), on_launch(std::move(launch)), on_gone(std::move(gone)) {}
    ~Impl() {
        for (sd_bus_slot* slot : {signals, subscribed, listed})
            sd_bus_slot_unref(slot);
    }

    void call(const char* member, sd_bus_message_handler_t handler, void* userdata,
              const char* types, const std::string& unit) {
        sd_bus_slot* slot = nullptr;
        int r = types
                    ? sd_bus_call_method_async(bus, &slot, names::kSystemdService,
                                               names::kSystemdPath, names::kSystemdManager, member,
                                               handler, userdata, types, unit.c_str(), "replace")
                    : sd_bus_call_method_async(bus, &slot, names::kSystemdService,
                                               names::kSystemdPath, names::kSystemdManager, member,
                                               handler, userdata, "s", unit.c_str());
        if (r < 0) {
            if (handler == &onDone) {
                auto* done = static_cast<Done*>(userdata);
                if (*done) (*done)(false, std::string("not sent: ") + std::strerror(-r));
                delete done;
            }
            return;
        }
        if (handler == &onDone) {
            sd_bus_slot_set_destroy_callback(slot, [](void* p) { delete static_cast<Done*>(p); });
        }
        sd_bus_slot_set_floating(slot, 1);
        sd_bus_slot_unref(slot);
    }

    // Subscribe, then learn which app units exist already. Both are sent at once: the bus keeps
    // their order, and a launch that slips in between is still a new name.
    void subscribe() {
        subscribed = sd_bus_slot_unref(subscribed);
        sd_bus_call_method_async(bus, &subscribed, names::kSystemdService, names::kSystemdPath,
                                 names::kSystemdManager, "Subscribe", &ignore, nullptr, "");
        list();
    }

    // Learns which app units exist (they are never taken for a launch). Again after a reload.
    void list() {
        listed = sd_bus_slot_unref(listed);
        sd_bus_message* m = nullptr;
        int r = sd_bus_message_new_method_call(bus, &m, names::kSystemdService, names::kSystemdPath,
                                               names::kSystemdManager, "ListUnitsByPatterns");
        if (r >= 0) r = sd_bus_message_append_strv(m, nullptr);
        const char* patterns[] = {"app-*", nullptr};
        if (r >= 0) r = sd_bus_message_append_strv(m, const_cast<char**>(patterns));
        if (r >= 0) r = sd_bus_call_async(bus, &listed, m, &onListed, this, 0);
        sd_bus_message_unref(m);
    }

    void seen(const std::string& unit) {
        auto app = parseAppUnit(unit);
        if (!app) return;
        // Forgetting only means an old unit's stop could look like a start; frozen apps are
        // remembered by the daemon, not here.
        if (known.size() >= kMaxKnownUnits) known.clear();
        if (!known.insert(unit).second) return;
        if (on_launch) on_launch(*app);
    }

    static int ignore(sd_bus_message*, void*, sd_bus_error*) { return 1; }

    static int onDone(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* done = static_cast<Done*>(userdata);
        if (*done) {
            if (sd_bus_message_is_method_error(m, nullptr))
                (*done)(false, errorText(m));
            else
                (*done)(true, "");
        }
        return 1;
    }

    // a(ssssssouso): the first string of each is the unit's name.
    static int onListed(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        if (sd_bus_message_is_method_error(m, nullptr)) return 1;  // an older manager: fine
        if (sd_bus_message_enter_container(m, 'a', "(ssssssouso)") < 0) return 1;
        const char* name = nullptr;
        while (sd_bus_message_enter_container(m, 'r', "ssssssouso") > 0) {
            if (sd_bus_message_read_basic(m, 's', &name) >= 0 && name) self->known.insert(name);
            sd_bus_message_skip(m, "sssssouso");
            sd_bus_message_exit_container(m);
        }
        return 1;
    }

    static int onSignal(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char* unit = nullptr;
        const char* path = nullptr;
        std::uint32_t job = 0;
        if (sd_bus_message_is_signal(m, nullptr, "Reloading")) {
            int active = 0;
            if (sd_bus_message_read(m, "b", &active) < 0) return 1;
            self->reloading = active != 0;
            if (!self->reloading) self->list();  // units that came while we looked away
            return 1;
        }
        if (self->reloading) return 1;
        if (sd_bus_message_is_signal(m, nullptr, "UnitNew")) {
            if (sd_bus_message_read(m, "so", &unit, &path) >= 0 && unit) self->seen(unit);
        } else if (sd_bus_message_is_signal(m, nullptr, "JobNew")) {
            if (sd_bus_message_read(m, "uos", &job, &path, &unit) >= 0 && unit) self->seen(unit);
        } else if (sd_bus_message_is_signal(m, nullptr, "UnitRemoved")) {
            if (sd_bus_message_read(m, "so", &unit, &path) >= 0 && unit &&
                self->known.erase(unit) > 0 && self->on_gone) {
                self->on_gone(unit);
            }
        }
        return 1;  // malformed signals are skipped, never fatal
    }
};

UnitsWatch::UnitsWatch(sd_bus* bus, OnLaunch on_launch, OnGone on_gone)
    : impl_(std::make_unique<Impl>(bus, std::move(on_launch), std::move(on_gone))) {}

UnitsWatch::~UnitsWatch() = default;

void UnitsWatch::start() {
    int r = sd_bus_add_match_async(impl_->bus, &impl_->signals, kManagerSignals, &Impl::onSignal,
                                   &keepConnectionOnRefusedMatch, impl_.get());
    if (r < 0) throw std::runtime_error("cannot watch the systemd user manager");
    impl_->follower.start();  // subscribes once the manager is known to be there
}

void UnitsWatch::freeze(const std::string& unit, Done done) {
    impl_->call("FreezeUnit", &Impl::onDone, new Done(std::move(done)), nullptr, unit);
}

void UnitsWatch::thaw(const std::string& unit, Done done) {
    impl_->call("ThawUnit", &Impl::onDone, new Done(std::move(done)), nullptr, unit);
}

bool UnitsWatch::thawNow(const std::string& unit) {
    sd_bus_message* m = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_message_new_method_call(impl_->bus, &m, names::kSystemdService,
                                           names::kSystemdPath, names::kSystemdManager, "ThawUnit");
    if (r >= 0) r = sd_bus_message_append(m, "s", unit.c_str());
    constexpr std::uint64_t kSecond = 1000000;
    if (r >= 0) r = sd_bus_call(impl_->bus, m, kSecond, &error, &reply);
    sd_bus_message_unref(m);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return r >= 0;
}

void UnitsWatch::stop(const std::string& unit, Done done) {
    impl_->call("StopUnit", &Impl::onDone, new Done(std::move(done)), "ss", unit);
}

}  // namespace nocontact::dbus
