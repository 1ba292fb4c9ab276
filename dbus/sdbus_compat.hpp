// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// sdbus-c++ 1.x (Debian 12, Ubuntu 24.04, Fedora 42) and 2.x (Debian 13, Fedora 43+, Arch)
// differ in the few places nocontact touches by hand: names are strong types in 2.x, an async
// reply's error comes as std::optional, match callbacks take the message by value, the message
// being handled is returned by value, poll data has an extra event fd, and an object's methods
// are registered as one vtable. Each difference is settled here, once, so every other file reads
// the same against both. The generated glue (sdbus-c++-xml2cpp) comes from the installed version.
// NOCONTACT_SDBUS_MAJOR is set by CMake from the version it found.

#include <sdbus-c++/sdbus-c++.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#ifndef NOCONTACT_SDBUS_MAJOR
#error "NOCONTACT_SDBUS_MAJOR must be set by the build (CMakeLists.txt)"
#endif

namespace nocontact::dbus::sd {

#if NOCONTACT_SDBUS_MAJOR >= 2
using ServiceName = sdbus::ServiceName;
using ObjectPath = sdbus::ObjectPath;
using InterfaceName = sdbus::InterfaceName;
using MemberName = sdbus::MemberName;
// The error argument of an async reply handler: `[](sd::ReplyError e, ...)`.
using ReplyError = std::optional<sdbus::Error>;
inline const sdbus::Error* errorOf(const ReplyError& e) {
    return e ? &*e : nullptr;
}
inline sdbus::Error error(const std::string& name, const std::string& message) {
    return sdbus::Error(sdbus::Error::Name{name}, message);
}
#else
using ServiceName = std::string;
using ObjectPath = std::string;
using InterfaceName = std::string;
using MemberName = std::string;
using ReplyError = const sdbus::Error*;
inline const sdbus::Error* errorOf(ReplyError e) {
    return e;
}
inline sdbus::Error error(const std::string& name, const std::string& message) {
    return sdbus::Error(name, message);
}
#endif

inline ServiceName service(std::string name) {
    return ServiceName{std::move(name)};
}
inline ObjectPath path(std::string p) {
    return ObjectPath{std::move(p)};
}

inline std::unique_ptr<sdbus::IProxy> proxy(sdbus::IConnection& bus, std::string destination,
                                            std::string object) {
    return sdbus::createProxy(bus, service(std::move(destination)), path(std::move(object)));
}

inline std::unique_ptr<sdbus::IObject> object(sdbus::IConnection& bus, std::string object) {
    return sdbus::createObject(bus, path(std::move(object)));
}

inline void requestName(sdbus::IConnection& bus, std::string name) {
    bus.requestName(service(std::move(name)));
}

// A match rule whose callback, `void(sdbus::Message&)`, lives as long as the returned slot.
template <typename Callback>
[[nodiscard]] sdbus::Slot addMatch(sdbus::IConnection& bus, const std::string& rule,
                                   Callback callback) {
#if NOCONTACT_SDBUS_MAJOR >= 2
    return bus.addMatch(
        rule, [cb = std::move(callback)](sdbus::Message m) { cb(m); }, sdbus::return_slot);
#else
    return bus.addMatch(rule, std::move(callback));
#endif
}

// Who sent the method call an object is handling now: its unique name ("" outside a call).
inline std::string currentSender(const sdbus::IObject& object) {
#if NOCONTACT_SDBUS_MAJOR >= 2
    sdbus::Message m = object.getCurrentlyProcessedMessage();
    const char* sender = m.isValid() ? m.getSender() : nullptr;
    return sender != nullptr ? sender : "";
#else
    const sdbus::Message* m = object.getCurrentlyProcessedMessage();
    return m != nullptr ? m->getSender() : std::string();
#endif
}

// Its uid as the bus knows it (sd_bus_query_sender_creds asks dbus-daemon, so the caller cannot
// forge it); (uid_t)-1 when there is no call or no credentials.
inline uid_t currentSenderUid(const sdbus::IObject& object) {
    try {
#if NOCONTACT_SDBUS_MAJOR >= 2
        sdbus::Message m = object.getCurrentlyProcessedMessage();
        if (m.isValid()) return m.getCredsUid();
#else
        const sdbus::Message* m = object.getCurrentlyProcessedMessage();
        if (m != nullptr) return m->getCredsUid();
#endif
    } catch (const sdbus::Error&) {
        // No credentials: unknown.
    }
    return static_cast<uid_t>(-1);
}

inline sdbus::Signal createSignal(sdbus::IObject& object, const std::string& interface,
                                  const std::string& member) {
    return object.createSignal(InterfaceName{interface}, MemberName{member});
}

// What an external event loop watches: the bus fd, and in 2.x an event fd sdbus-c++ signals when
// messages are queued outside the loop (-1 in 1.x). timeout_usec is absolute CLOCK_MONOTONIC,
// UINT64_MAX for none.
struct Poll {
    int fd = -1;
    short events = 0;
    std::uint64_t timeout_usec = UINT64_MAX;
    int event_fd = -1;
};

inline Poll pollData(sdbus::IConnection& bus) {
    auto d = bus.getEventLoopPollData();
#if NOCONTACT_SDBUS_MAJOR >= 2
    bool none = d.timeout == std::chrono::microseconds::max();
    return {d.fd, d.events, none ? UINT64_MAX : static_cast<std::uint64_t>(d.timeout.count()),
            d.eventFd};
#else
    return {d.fd, d.events, d.timeout_usec, -1};
#endif
}

// Processes one pending message or event; false when there was nothing to do.
inline bool processPending(sdbus::IConnection& bus) {
#if NOCONTACT_SDBUS_MAJOR >= 2
    return bus.processPendingEvent();
#else
    return bus.processPendingRequest();
#endif
}

// In 1.x a proxy's signal handlers take effect on finishRegistration(); in 2.x at once.
inline void finishProxy(sdbus::IProxy& proxy) {
#if NOCONTACT_SDBUS_MAJOR >= 2
    (void)proxy;
#else
    proxy.finishRegistration();
#endif
}

// An interface served by hand (tests' stand-ins for other programs): methods and read-only
// properties, registered together by done() in 2.x; in 1.x by finishObject() once every
// interface of the object is described (1.x asserts when registration is finished twice).
class Interface {
  public:
    Interface(sdbus::IObject& object, std::string name) : object_(object), name_(std::move(name)) {}

    template <typename Function>
    Interface& method(const std::string& member, Function&& f) {
#if NOCONTACT_SDBUS_MAJOR >= 2
        items_.push_back(
            sdbus::registerMethod(MemberName{member}).implementedAs(std::forward<Function>(f)));
#else
        object_.registerMethod(member).onInterface(name_).implementedAs(std::forward<Function>(f));
#endif
        return *this;
    }

    template <typename Getter>
    Interface& property(const std::string& member, Getter&& g) {
#if NOCONTACT_SDBUS_MAJOR >= 2
        items_.push_back(
            sdbus::registerProperty(MemberName{member}).withGetter(std::forward<Getter>(g)));
#else
        object_.registerProperty(member).onInterface(name_).withGetter(std::forward<Getter>(g));
#endif
        return *this;
    }

    void done() {
#if NOCONTACT_SDBUS_MAJOR >= 2
        object_.addVTable(std::move(items_)).forInterface(InterfaceName{name_});
#endif
    }

  private:
    sdbus::IObject& object_;
    std::string name_;
#if NOCONTACT_SDBUS_MAJOR >= 2
    std::vector<sdbus::VTableItem> items_;
#endif
};

inline void finishObject(sdbus::IObject& object) {
#if NOCONTACT_SDBUS_MAJOR >= 2
    (void)object;
#else
    object.finishRegistration();
#endif
}

}  // namespace nocontact::dbus::sd
