// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/withholder.hpp"

#include <systemd/sd-bus.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "dbus/name_follower.hpp"
#include "dbus/names.hpp"
#include "dbus/session_address.hpp"

namespace nocontact::dbus {

namespace {

// Where an FDO notification's calls go: the very server that gave its id, so that a restarted
// server (whose ids start again at 1) never has someone else's notification closed. Without a
// known server (tests building an Observed by hand), the well-known name.
const char* serverOf(const std::string& server) {
    return server.empty() ? names::kFdoService : server.c_str();
}

// Where a call goes: a name, and the object and interface there.
struct Object {
    const char* dest;
    const char* path;
    const char* iface;
};

Object fdoAt(const char* dest) {
    return {dest, names::kFdoPath, names::kFdoInterface};
}

// GNOME Shell (>= 42) answers a foreign CloseNotification with this error.
constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
constexpr const char* kGnomeShell = "gnome-shell";

// The replacing notification asks to expire after 1 ms: it is closed right away anyway, and if
// the close is refused it should at least not linger on screen.
constexpr std::int32_t kPlaceholderExpireMs = 1;

// KDE Plasma refuses a Notify just like the one it took last, within a second (its
// "ExcessNotificationGeneration": same app, summary, body, desktop entry and x-kde-eventId). Two
// placeholders back to back, as in a burst of a contact's messages, would be just alike, and the
// second message's text would stay until the close. Each placeholder's event id is its own; no
// server shows it.
std::string placeholderEventId(std::uint32_t id) {
    return "nocontact-withheld-" + std::to_string(id);
}

// How long a server may take to answer: a server busy drawing a flood of other apps'
// notifications (dunst draws each inside its Notify handler), or stopped for a while, answers
// late, and a contact's message must still be taken back then. sd-bus's default is 25 s.
constexpr std::uint64_t kAnswerTimeoutUsec = 10ull * 60 * 1'000'000;

std::string errorName(sd_bus_message* m) {
    const sd_bus_error* e = sd_bus_message_get_error(m);
    return e && e->name ? e->name : "org.freedesktop.DBus.Error.Failed";
}

}  // namespace

struct Withholder::Impl {
    // One call in flight: freed by sd-bus when its slot goes (reply or close), or by send()
    // once it is on its way when no reply is asked for.
    struct Call {
        Impl* impl;
        std::uint64_t generation;  // of the server the call was meant for
        std::string server;        // Observed::server: the server that gave the id
        std::uint32_t fdo_id = 0;  // Observed::fdo_id
        Done done;
    };
    using Handler = sd_bus_message_handler_t;

    // Whether a call's reply is asked for. Each reply is one more message for the server to
    // write and for both of nocontactd's connections to read (the monitor gets a copy), on the
    // path of every kept message; once the server has shown what it answers, nobody reads it.
    enum class Answer { Wanted, Unwanted };

    std::string address;
    ServerChanged on_server_changed;
    sd_bus* bus = nullptr;
    // Calls that ask for no answer go on a connection of their own that nobody listens to: a
    // placeholder and its close when neither asks, a close alone when it does not. A server
    // tells the sender of a notification it closes (dunst sends NotificationClosed to whoever
    // sent the placeholder), and on the actor's connection each such signal would wake the
    // daemon once more per kept message, only to be dropped. What comes to it is read, all at
    // once, right after it is next used (drainQuiet()).
    sd_bus* quiet_bus = nullptr;
    std::string bus_name, quiet_name;        // unique names, for own()
    bool quiet_sent = false;                 // since drainQuiet() last ran
    std::unique_ptr<NameFollower> follower;  // made once there is a bus
    ServerInfo info;
    std::uint64_t generation = 0;  // bumped whenever the server changes
    // Learnt from this server's own answers, forgotten when the server changes:
    bool replaces_in_place = false;  // a placeholder took the id it was given
    bool closes_reliably = false;    // a close was answered with success (relied on only
                                     // where trustsCloses())

    ~Impl();
    void drainQuiet();
    int send(Answer answer, sd_bus* via, Object to, const char* member, Handler h, Call* call,
             const char* types, ...);
    bool current(const Call& c) const;
    bool trustsCloses() const;
    void changed() {
        if (on_server_changed) on_server_changed(info);
    }
    void setOwner(const std::string& unique_name);
    void replace(Call* c, const std::string& placeholder);
    bool asksClose(const Call* c) const;
    void close(Call* c, const std::string& server, std::uint32_t id, sd_bus* via);
    void finish(Call* c, sd_bus_message* reply);

    static int onServerInformation(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onCapabilities(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onReplaced(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onClosed(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onRemoved(sd_bus_message* m, void* userdata, sd_bus_error*);
};

Withholder::Impl::~Impl() {
    follower.reset();  // its slots before the bus
    if (bus) sd_bus_flush_close_unref(bus);
    if (quiet_bus) sd_bus_flush_close_unref(quiet_bus);
}

// Reads and drops what came to the quiet connection since it was last used (the bus's
// NameAcquired, servers' NotificationClosed): nothing there is for us, and a reader that never
// reads would only make the bus keep it. Called after its calls are on their way, so this is
// never between a reply and a withholding call.
// Stops at a connection that is closing: its source then finds it so, and reports it lost.
void Withholder::Impl::drainQuiet() {
    if (!std::exchange(quiet_sent, false)) return;
    while (sd_bus_is_open(quiet_bus) > 0 && sd_bus_process(quiet_bus, nullptr) > 0) {
    }
}

// Sends a call on `via`. Answer::Wanted: its slot floats (lives until the reply) and frees `call`
// with it. Answer::Unwanted: sent with NO_REPLY_EXPECTED (the server carries it out and answers
// nothing), and `call`, done once the call is on its way, is freed at once.
int Withholder::Impl::send(Answer answer, sd_bus* via, Object to, const char* member, Handler h,
                           Call* call, const char* types, ...) {
    sd_bus_slot* slot = nullptr;
    sd_bus_message* m = nullptr;
    quiet_sent |= via == quiet_bus;
    int r = sd_bus_message_new_method_call(via, &m, to.dest, to.path, to.iface, member);
    if (r >= 0) {
        va_list ap;
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
    }
    if (r >= 0 && answer == Answer::Unwanted) r = sd_bus_message_set_expect_reply(m, 0);
    if (r >= 0 && answer == Answer::Unwanted) r = sd_bus_send(via, m, nullptr);
    if (r >= 0 && answer == Answer::Wanted)
        r = sd_bus_call_async(via, &slot, m, h, call ? static_cast<void*>(call) : this,
                              kAnswerTimeoutUsec);
    sd_bus_message_unref(m);
    if (r < 0 || answer == Answer::Unwanted) {
        if (call && call->done)
            call->done(r < 0 ? Outcome::Failed : Outcome::Withheld,
                       r < 0 ? std::string("not sent: ") + strerror(-r) : std::string());
        delete call;
        return r;
    }
    if (call) sd_bus_slot_set_destroy_callback(slot, [](void* p) { delete static_cast<Call*>(p); });
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
    return r;
}

// Whether a call is for the server whose answers were learnt: the same owner, and a notification
// that owner gave (one from a server before it is never trusted to its answers).
bool Withholder::Impl::current(const Call& c) const {
    const std::string& server = c.server;
    return c.generation == generation && !info.unique_name.empty() &&
           (server.empty() || server == info.unique_name);
}

// A close may go unanswered only on a server that has said who it is and whose answer depends on
// nothing but the id: GNOME Shell refuses a foreign close while its sender is still connected,
// so the same server answers some closes with an error and others not.
bool Withholder::Impl::trustsCloses() const {
    return !info.name.empty() && info.name != kGnomeShell && !info.refuses_foreign_close;
}

void Withholder::Impl::setOwner(const std::string& unique_name) {
    ++generation;
    info = ServerInfo{};
    replaces_in_place = closes_reliably = false;
    info.unique_name = unique_name;
    changed();
    if (unique_name.empty()) return;
    const char* dest = unique_name.c_str();
    send(Answer::Wanted, bus, fdoAt(dest), "GetServerInformation", &onServerInformation,
         new Call{this, generation, {}, 0, {}}, "");
    send(Answer::Wanted, bus, fdoAt(dest), "GetCapabilities", &onCapabilities,
         new Call{this, generation, {}, 0, {}}, "");
}

int Withholder::Impl::onServerInformation(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* c = static_cast<Call*>(userdata);
    Impl* self = c->impl;
    const char *name = nullptr, *vendor = nullptr, *version = nullptr, *spec = nullptr;
    if (c->generation != self->generation || sd_bus_message_is_method_error(m, nullptr) ||
        sd_bus_message_read(m, "ssss", &name, &vendor, &version, &spec) < 0)
        return 1;
    self->info.name = name;
    self->info.vendor = vendor;
    self->info.version = version;
    self->info.spec_version = spec;
    self->changed();
    return 1;
}

int Withholder::Impl::onCapabilities(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* c = static_cast<Call*>(userdata);
    Impl* self = c->impl;
    char** caps = nullptr;
    if (c->generation != self->generation || sd_bus_message_is_method_error(m, nullptr) ||
        sd_bus_message_read_strv(m, &caps) < 0)
        return 1;
    self->info.capabilities.clear();
    for (char** cap = caps; cap && *cap; ++cap) {
        self->info.capabilities.emplace_back(*cap);
        free(*cap);
    }
    free(caps);
    self->changed();
    return 1;
}

// An FDO withhold with a placeholder: put it in the notification's place, so a server that keeps
// a history of closed notifications (dunst) keeps only the placeholder, then close it. The close
// is sent at once, not after the reply: one connection's calls reach the server in the order they
// were sent, and a server answers them in that order, so it still closes the placeholder.
// The placeholder's reply says whether the server replaced in place or made a new notification
// (then ours to close too); once this server has replaced in place, it is not asked again. (A
// server that makes a new one for an id already gone, as mako does, then shows the placeholder
// until its 1 ms expiry.)
//
// Both calls go on one connection, for that order: the quiet one when neither asks for an answer.
void Withholder::Impl::replace(Call* c, const std::string& placeholder) {
    const bool known = replaces_in_place && current(*c);
    sd_bus* via = known && !asksClose(c) ? quiet_bus : bus;
    const std::string event_id = placeholderEventId(c->fdo_id);
    send(known ? Answer::Unwanted : Answer::Wanted, via, fdoAt(serverOf(c->server)), "Notify",
         &onReplaced, known ? nullptr : new Call{this, c->generation, c->server, c->fdo_id, {}},
         "susssasa{sv}i", "nocontact", c->fdo_id, "", placeholder.c_str(), "", 0, 3, "transient",
         "b", 1, "urgency", "y", 0, "x-kde-eventId", "s", event_id.c_str(), kPlaceholderExpireMs);
    close(c, c->server, c->fdo_id, via);
}

int Withholder::Impl::onReplaced(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* c = static_cast<Call*>(userdata);
    Impl* self = c->impl;
    std::uint32_t new_id = 0;
    bool ok = !sd_bus_message_is_method_error(m, nullptr) &&
              sd_bus_message_read_basic(m, 'u', &new_id) > 0;
    if (ok && new_id == c->fdo_id && self->current(*c)) self->replaces_in_place = true;
    // A server that did not replace by id made a new placeholder notification: ours, close it,
    // from the connection that made it (GNOME Shell refuses a close from anyone else).
    if (ok && new_id != c->fdo_id) self->close(nullptr, c->server, new_id, self->bus);
    return 1;
}

// Step 2: close it. `c` null = nobody waits for the outcome, and nobody asks for the answer. The
// answer is asked for until this server has answered a close with success and is one whose
// answer depends only on the id (trustsCloses); after that, the close is counted as done once
// it is on its way.
bool Withholder::Impl::asksClose(const Call* c) const {
    return c && !(closes_reliably && trustsCloses() && current(*c));
}

void Withholder::Impl::close(Call* c, const std::string& server, std::uint32_t id, sd_bus* via) {
    send(asksClose(c) ? Answer::Wanted : Answer::Unwanted, via, fdoAt(serverOf(server)),
         "CloseNotification", &onClosed, c, "u", id);
}

int Withholder::Impl::onClosed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* c = static_cast<Call*>(userdata);
    c->impl->finish(c, m);
    return 1;
}

void Withholder::Impl::finish(Call* c, sd_bus_message* reply) {
    Done done = std::move(c->done);
    if (!sd_bus_message_is_method_error(reply, nullptr)) {
        if (current(*c)) closes_reliably = true;
        if (done) done(Outcome::Withheld, "");
        return;
    }
    std::string name = errorName(reply);
    if (name == kInvalidArgs || info.name == kGnomeShell) {
        bool first = !info.refuses_foreign_close;
        info.refuses_foreign_close = true;
        if (first) changed();
        if (done) done(Outcome::RefusedByServer, name);
        return;
    }
    if (done) done(Outcome::Failed, name);
}

int Withholder::Impl::onRemoved(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* c = static_cast<Call*>(userdata);
    Done done = std::move(c->done);
    bool error = sd_bus_message_is_method_error(m, nullptr);
    if (done) done(error ? Outcome::Failed : Outcome::Withheld, error ? errorName(m) : "");
    return 1;
}

Withholder::Withholder(std::string address, ServerChanged on_server_changed)
    : impl_(std::make_unique<Impl>()) {
    impl_->address = std::move(address);
    impl_->on_server_changed = std::move(on_server_changed);
}

Withholder::~Withholder() = default;

namespace {

// A started client connection to `where` (its unique name known, so the bus has answered).
sd_bus* connect(const std::string& where, std::string& unique_name) {
    sd_bus* bus = nullptr;
    const char* name = nullptr;
    int r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, where.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_start(bus);
    if (r >= 0) r = sd_bus_get_unique_name(bus, &name);
    if (r < 0) {
        sd_bus_unref(bus);
        throw std::runtime_error(std::string("cannot connect the withholder: ") + strerror(-r));
    }
    unique_name = name;
    return bus;
}

}  // namespace

void Withholder::start() {
    std::string where = sessionAddress(impl_->address);
    Impl* impl = impl_.get();
    impl->bus = connect(where, impl->bus_name);
    impl->quiet_bus = connect(where, impl->quiet_name);
    impl->follower = std::make_unique<NameFollower>(
        impl->bus, names::kFdoService, [impl](const std::string& owner) { impl->setOwner(owner); });
    impl->follower->start();
}

sd_bus* Withholder::bus() const {
    return impl_->bus;
}

sd_bus* Withholder::quietBus() const {
    return impl_->quiet_bus;
}

bool Withholder::own(std::string_view sender) const {
    return !sender.empty() && (sender == impl_->bus_name || sender == impl_->quiet_name);
}

const ServerInfo& Withholder::server() const {
    return impl_->info;
}

void Withholder::withhold(const Observed& n, const std::optional<std::string>& placeholder,
                          Done done) {
    using policy::Interface;
    Impl& impl = *impl_;
    if (n.notification.interface == Interface::Portal) {
        if (done)
            done(Outcome::Failed,
                 "portal notifications are removed through their "
                 "forwarded copy");
        return;
    }
    auto* call = new Impl::Call{&impl, impl.generation, n.server, n.fdo_id, std::move(done)};
    if (n.notification.interface == Interface::Fdo) {
        if (placeholder)
            impl.replace(call, *placeholder);
        else
            impl.close(call, n.server, n.fdo_id, impl.asksClose(call) ? impl.bus : impl.quiet_bus);
        return impl.drainQuiet();
    }
    impl.send(Impl::Answer::Wanted, impl.bus,
              {names::kGtkService, names::kGtkPath, names::kGtkInterface}, "RemoveNotification",
              &Impl::onRemoved, call, "ss", n.notification.app_id.c_str(),
              n.notification.id.c_str());
}

}  // namespace nocontact::dbus
