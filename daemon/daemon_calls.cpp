// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's side of calls (daemon/calls_flow.hpp decides and follows each one): asking the
// service that reported a call to do something to it, and what Status says about the phone
// sources. Part of Daemon (daemon/daemon.hpp).
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/phone_events.hpp"

namespace nocontact::daemon {

using namespace phone;

void Daemon::followCalls() {
    impl_->calls = std::make_unique<CallsFlow>(CallsFlow::Context{
        .clock = *impl_->clock,
        .engine = impl_->engine,
        .dry_run = options_.dry_run,
        .keeper = impl_->keeper.get(),
        .judge = [this](const policy::Event& event,
                        const policy::Moment& now) { return judge(event, now); },
        .ask = [this](const std::string& source, const std::string& path, const char* what,
                      dbus::PhoneDone done) { askCall(source, path, what, std::move(done)); },
        .tell = [this](const std::string& summary,
                       const std::string& body) { tellUser(summary, body); },
    });
}

void Daemon::askCall(const std::string& source, const std::string& path, const char* what,
                     dbus::PhoneDone done) {
    if (source == kGnomeCalls && impl_->gnome_calls) {
        if (std::string_view(what) == "Hangup") {
            impl_->gnome_calls->hangup(path, std::move(done));
        } else if (std::string_view(what) == "Accept") {
            impl_->gnome_calls->accept(path, std::move(done));
        } else if (std::string_view(what) == "Silence") {
            impl_->gnome_calls->silence(path, std::move(done));
        }
    } else if (source == kModemManager && impl_->modem) {
        if (std::string_view(what) == "Hangup") {
            impl_->modem->hangup(path, std::move(done));
        } else if (std::string_view(what) == "Accept") {
            impl_->modem->accept(path, std::move(done));
        }
    } else if (done) {
        done(false, "the service is no longer followed");
    }
}

std::vector<std::string> Daemon::phoneProblems() const {
    std::vector<std::string> problems;
    if (!impl_->modem_note.empty())
        problems.push_back(std::string(kModemManager) + ": " + impl_->modem_note);
    if (impl_->calls) {
        auto calls = impl_->calls->problems();
        problems.insert(problems.end(), calls.begin(), calls.end());
    }
    return problems;
}

std::vector<NotFollowed> Daemon::notFollowed() const {
    // The words are the status command's to choose: these are the reasons, as keys.
    constexpr const char* kOff = "switched off in the policy";
    std::vector<NotFollowed> rows;
    const auto& on = impl_->engine.policy().sources;
    if (!on.kdeconnect) rows.push_back({kKdeConnect, kOff});
    if (!on.gnome_calls) rows.push_back({kGnomeCalls, kOff});
    if (!on.modemmanager)
        rows.push_back({kModemManager, kOff});
    else if (!impl_->modem_note.empty())
        rows.push_back({kModemManager, impl_->modem_note});
    return rows;
}

}  // namespace nocontact::daemon
