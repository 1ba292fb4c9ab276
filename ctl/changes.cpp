// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/changes.hpp"
#include "base/i18n.hpp"

#include <ostream>

#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "policy/time.hpp"

namespace nocontact::ctl {

int runChange(const ChangeOptions& options, std::ostream& out, std::ostream& err) {
    std::uint64_t seconds = 0;
    if (!options.duration.empty()) {
        auto d = policy::parseDuration(options.duration);
        if (!d || d->count() == 0) {
            err << "nocontactctl: "
                << i18n::fill(i18n::tr("'{text}' is not a duration of at most 366 days; try "
                                       "30m, 2h or 1d."),
                              {{"text", options.duration}})
                << "\n";
            return kExitUsage;
        }
        seconds = static_cast<std::uint64_t>(d->count());
    }
    return withDaemon(err, [&](Client& client) {
        out << client.ChangeLevel(options.change, options.contact, options.to, seconds,
                                  options.note)
            << '\n';
        return kExitOk;
    });
}

int runReset(const std::string& contact, std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        out << client.ResetLevel(contact) << '\n';
        return kExitOk;
    });
}

int runEndSnooze(std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        out << client.EndSnooze() << '\n';
        return kExitOk;
    });
}

int runNote(const std::string& contact, const std::string& text, std::ostream& out,
            std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        client.AddNote(contact, text);
        out << i18n::tr("Noted.") << "\n";
        return kExitOk;
    });
}

}  // namespace nocontact::ctl
