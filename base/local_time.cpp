// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/local_time.hpp"

#include <ctime>

namespace nocontact::local_time {

policy::Moment momentNow() {
    auto utc = policy::SysTime{std::chrono::seconds{std::time(nullptr)}};
    return {utc, toLocal(utc)};
}

policy::LocalTime toLocal(policy::SysTime utc) {
    auto t = static_cast<std::time_t>(utc.time_since_epoch().count());
    std::tm local{};
    localtime_r(&t, &local);
    return policy::LocalTime{std::chrono::seconds{t + local.tm_gmtoff}};
}

policy::SysTime toUtc(policy::LocalTime local) {
    auto secs = static_cast<std::time_t>(local.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&secs, &tm);
    tm.tm_isdst = -1;  // let the zone decide
    return policy::SysTime{std::chrono::seconds{std::mktime(&tm)}};
}

policy::Moment momentAtLocal(policy::LocalTime local) {
    return {toUtc(local), local};
}

}  // namespace nocontact::local_time
