// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/day_count.hpp"

namespace nocontact::policy {

std::optional<Date> dayOne(std::optional<Date> policy_since,
                           const std::optional<FinalStrawDay>& final_straw) {
    if (final_straw && final_straw->policy_since == policy_since) return final_straw->day;
    return policy_since;
}

std::optional<int> dayNumber(std::optional<Date> day_one, Date today) {
    if (!day_one || today < *day_one) return std::nullopt;
    return static_cast<int>(today.days - day_one->days + 1);
}

}  // namespace nocontact::policy
