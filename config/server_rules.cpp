// SPDX-License-Identifier: GPL-3.0-or-later
// Which notification shapes are certainly a contact's, as a server rule can say them, and
// what those rules hide. Rendering and files are in server_rules_render.cpp and
// server_rules_files.cpp.
#include "config/server_rules.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <regex>
#include <tuple>
#include <unordered_map>

#include "config/server_rules_pattern.hpp"
#include "policy/matcher.hpp"
#include "policy/normalise.hpp"
#include "policy/two_threads.hpp"

namespace nocontact::config {
namespace {

using policy::AppProfile;
using policy::Condition;
using policy::FieldRef;
using policy::SenderRule;
using rules_detail::Reduced;

// One shape being considered, before it is known to be safe.
struct Candidate {
    RuleShape shape;
    const AppProfile* profile = nullptr;
    const policy::Contact* contact = nullptr;
    std::size_t rule = 0;  // index into profile->rules
};

// A field's value when every notification the shape matches has that same value; nullopt when
// it varies (hints, the other text field, the rest of a field matched by its start).
std::optional<std::string> knownField(const FieldRef& f, const RuleShape& s) {
    using F = FieldRef::Field;
    switch (f.field) {
        case F::Interface:
            return std::string(policy::interfaceName(policy::Interface::Fdo));
        case F::Id:
        case F::AppId:
            return std::string();  // FDO notifications carry neither
        case F::AppName:
            if (s.app_key == RuleShape::AppKey::AppName) return s.app;
            return std::nullopt;
        case F::DesktopEntry:
            if (s.app_key == RuleShape::AppKey::DesktopEntry) return s.app;
            return std::nullopt;
        case F::Summary:
        case F::Body: {
            bool same = (f.field == F::Summary) == (s.field == RuleShape::Field::Summary);
            if (same && s.whole) return s.text;
            return std::nullopt;
        }
        case F::Hint:
            return std::nullopt;
    }
    return std::nullopt;
}

// True or false when the shape decides the condition; nullopt when it depends on the rest.
std::optional<bool> conditionIs(const Condition& c, const RuleShape& s) {
    auto value = knownField(c.field, s);
    if (!value) return std::nullopt;
    return std::regex_search(*value, c.pattern) != c.negate;
}

// True or false when the shape decides all the conditions together.
std::optional<bool> conditionsAre(const std::vector<Condition>& when, const RuleShape& s) {
    bool all_true = true;
    for (const Condition& c : when) {
        auto is = conditionIs(c, s);
        if (is && !*is) return false;
        if (!is) all_true = false;
    }
    if (all_true) return true;
    return std::nullopt;
}

bool sameField(const FieldRef& f, const RuleShape& s) {
    return (f.field == FieldRef::Field::Summary && s.field == RuleShape::Field::Summary) ||
           (f.field == FieldRef::Field::Body && s.field == RuleShape::Field::Body);
}

bool isGroupRule(const SenderRule& r) {
    return r.chat_group > 0 || r.chat_field.has_value();
}

// The kind a rule gives is one the ladder holds like a message for this contact: not a call
// (calls follow `calls:`), not a group message when groups are shown.
bool kindHeldLikeMessage(const SenderRule& r, const policy::Contact& c) {
    if (r.kind && *r.kind == policy::Kind::Call) return false;
    return !(isGroupRule(r) && c.groups == policy::GroupRule::Show);
}

// The profile's kind rules cannot turn the shape into something the ladder treats otherwise.
bool kindRulesAllow(const AppProfile& p, const RuleShape& s, const policy::Contact& c) {
    for (const policy::KindRule& k : p.kinds) {
        if (auto is = conditionsAre(k.when, s); is && !*is) continue;
        bool rings = k.kind == policy::Kind::Call &&
                     (c.calls == policy::CallRule::Ring || c.repeat_calls_break_through);
        bool shown = k.kind == policy::Kind::GroupMessage && c.groups == policy::GroupRule::Show;
        if (rings || shown) return false;
    }
    return true;
}

// The sender a rule finds in a whole, known field; nullopt when the rule does not match.
std::optional<std::string> senderIn(const SenderRule& r, const std::string& text) {
    if (!r.pattern) return text;
    std::smatch m;
    if (!std::regex_search(text, m, *r.pattern)) return std::nullopt;
    auto g = static_cast<std::size_t>(r.sender_group);
    if (g >= m.size() || !m[g].matched) return std::string();
    return m[g].str();
}

struct Context {
    const policy::Profiles& profiles;
    const policy::Matcher& matcher;
    std::vector<RuleShape> out{};  // the current contact's shapes
    // Each rule's pattern read (and its group compiled) once, not once per contact.
    std::unordered_map<const SenderRule*, std::optional<Reduced>> reduced{};
    std::string folded_name{};  // the name being looked at, as names are compared
    // Profile names, hidden texts and apps, folded once, not once per contact.
    std::unordered_map<std::string, std::string> folded{};
    // The apps each profile claims, by name and by desktop entry: the same for every contact.
    std::map<std::pair<const AppProfile*, RuleShape::AppKey>, std::vector<const std::string*>>
        claimed{};

    const std::string& fold(const std::string& text) {
        auto found = folded.find(text);
        if (found != folded.end()) return found->second;
        return folded.emplace(text, policy::foldName(text)).first->second;
    }
};

// No earlier rule of the profile can take a notification of this shape elsewhere: each is
// ruled out by its conditions, or, on the very text of a whole field, finds the same person.
bool earlierRulesAgree(const Candidate& c, const std::string& folded_name) {
    for (std::size_t j = 0; j < c.rule; ++j) {
        const SenderRule& r = c.profile->rules[j];
        if (auto is = conditionsAre(r.when, c.shape); is && !*is) continue;
        if (!sameField(r.from, c.shape) || !c.shape.whole) return false;
        auto sender = senderIn(r, c.shape.text);
        if (!sender) continue;
        if (policy::foldName(*sender) != folded_name) return false;
        if (!kindHeldLikeMessage(r, *c.contact)) return false;
    }
    return true;
}

// The rule itself finds exactly `name` in every notification of the shape.
bool ruleFindsName(const Candidate& c, const std::optional<Reduced>& reduced,
                   const std::string& name) {
    const SenderRule& r = c.profile->rules[c.rule];
    auto is = conditionsAre(r.when, c.shape);
    if (!is || !*is) return false;
    if (c.shape.whole) return senderIn(r, c.shape.text) == name;
    return reduced && rules_detail::prefixDecides(*reduced, name);
}

bool isHiddenName(const Candidate& c, Context& ctx) {
    const std::string& folded = ctx.folded_name;
    if (folded == ctx.fold(c.profile->name)) return true;
    if (c.shape.app_key == RuleShape::AppKey::AppName && folded == ctx.fold(c.shape.app))
        return true;
    for (const std::string& h : c.profile->hidden) {
        if (folded == ctx.fold(h)) return true;
    }
    return false;
}

// What a server would see for a notification of this shape: the profile that claims it must be
// this one, and reading it must give this contact.
bool readsAsContact(const Candidate& c, const policy::Profiles& profiles,
                    const policy::Matcher& matcher) {
    policy::Notification n;
    if (c.shape.app_key == RuleShape::AppKey::AppName) {
        n.app_name = c.shape.app;
    } else {
        n.hints["desktop-entry"] = c.shape.app;
    }
    std::string text = c.shape.whole ? c.shape.text : c.shape.text + "x";
    (c.shape.field == RuleShape::Field::Summary ? n.summary : n.body) = text;
    if (profiles.find(n) != c.profile) return false;
    auto m = matcher.match(profiles.toEvent(n));
    return m && m->contact == c.shape.contact;
}

bool shapeSafe(const Candidate& c, const std::optional<Reduced>& reduced, const std::string& name,
               Context& ctx) {
    const SenderRule& r = c.profile->rules[c.rule];
    return kindHeldLikeMessage(r, *c.contact) && kindRulesAllow(*c.profile, c.shape, *c.contact) &&
           !isHiddenName(c, ctx) && ruleFindsName(c, reduced, name) &&
           earlierRulesAgree(c, ctx.folded_name) && readsAsContact(c, ctx.profiles, ctx.matcher);
}

// The texts a rule can be matched by for `name`: the field exactly the name (any rule may read
// so), and the reduced pattern's literal around it.
std::vector<std::pair<std::string, bool>> textsFor(const std::optional<Reduced>& reduced,
                                                   const std::string& name) {
    std::vector<std::pair<std::string, bool>> texts{{name, true}};
    if (!reduced) return texts;
    std::string text = reduced->prefix + name + reduced->suffix;
    bool whole = reduced->tail == Reduced::Tail::End;
    if (text != name || !whole) texts.emplace_back(std::move(text), whole);
    return texts;
}

const std::optional<Reduced>& reducedOf(const SenderRule& r, Context& ctx) {
    auto found = ctx.reduced.find(&r);
    if (found != ctx.reduced.end()) return found->second;
    auto reduced = r.pattern ? rules_detail::reduce(r.pattern_text, r.sender_group)
                             : std::optional<Reduced>(Reduced{});
    return ctx.reduced.emplace(&r, std::move(reduced)).first->second;
}

// `out` holds only the current contact's shapes, the only ones that can be the same (the
// contact is part of the key): looking through everyone's made a reload take seconds.
void addIfNew(Context& ctx, RuleShape s) {
    auto key = [](const RuleShape& x) {
        return std::tie(x.contact, x.app_key, x.app, x.field, x.text, x.whole);
    };
    for (const RuleShape& had : ctx.out)
        if (key(had) == key(s)) return;
    ctx.out.push_back(std::move(s));
}

void shapesForRule(Candidate base, const std::string& name, Context& ctx) {
    const SenderRule& r = base.profile->rules[base.rule];
    if (r.from.field != FieldRef::Field::Summary && r.from.field != FieldRef::Field::Body) return;
    if (r.pattern && r.sender_group < 1) return;
    const std::optional<Reduced>& reduced = reducedOf(r, ctx);
    base.shape.field = r.from.field == FieldRef::Field::Summary ? RuleShape::Field::Summary
                                                                : RuleShape::Field::Body;
    for (auto& [text, whole] : textsFor(reduced, name)) {
        Candidate c = base;
        c.shape.text = text;
        c.shape.whole = whole;
        if (shapeSafe(c, reduced, name, ctx)) addIfNew(ctx, c.shape);
    }
}

void shapesForApp(Candidate base, const std::string& name, Context& ctx) {
    for (std::size_t k = 0; k < base.profile->rules.size(); ++k) {
        base.rule = k;
        shapesForRule(base, name, ctx);
    }
}

// Whether any condition of the profile reads the app's name or desktop entry: then each app is
// judged on its own.
bool readsTheApp(const AppProfile& p) {
    auto reads = [](const std::vector<Condition>& when) {
        return std::any_of(when.begin(), when.end(), [](const Condition& c) {
            return c.field.field == FieldRef::Field::AppName ||
                   c.field.field == FieldRef::Field::DesktopEntry;
        });
    };
    return std::any_of(p.rules.begin(), p.rules.end(),
                       [&](const SenderRule& r) { return reads(r.when); }) ||
           std::any_of(p.kinds.begin(), p.kinds.end(),
                       [&](const policy::KindRule& k) { return reads(k.when); });
}

// The profile is the one a notification from `app` alone (by name, or by desktop entry) finds.
bool claims(const policy::Profiles& profiles, const AppProfile& p, RuleShape::AppKey key,
            const std::string& app) {
    policy::Notification n;
    if (key == RuleShape::AppKey::AppName) {
        n.app_name = app;
    } else {
        n.hints["desktop-entry"] = app;
    }
    return profiles.find(n) == &p;
}

// Browsers list a dozen names and desktop entries each. Unless a condition reads the app, what
// makes a shape safe is the same for all of them but two things: that the profile claims the
// app, and that the contact's name is not the app's own name (checked here, as isHiddenName
// does). So the first app of each kind is judged in full, and its shapes are repeated for the
// others; were the name that first app's own, none are (fewer rules, never a wrong one).
void shapesForProfile(const Candidate& base, const std::string& name, Context& ctx) {
    bool each_alone = readsTheApp(*base.profile);
    auto each = [&](const std::vector<std::string>& apps, RuleShape::AppKey key) {
        auto [at, fresh] = ctx.claimed.try_emplace({base.profile, key});
        for (const std::string& app : apps) {
            // safeRuleText leaves out prefixes ("Firefox*").
            if (fresh && rules_detail::safeRuleText(app) &&
                claims(ctx.profiles, *base.profile, key, app))
                at->second.push_back(&app);
        }
        const std::vector<const std::string*>& claimed = at->second;
        std::size_t first = ctx.out.size();
        for (std::size_t k = 0; k < claimed.size(); ++k) {
            if (k == 0 || each_alone) {
                Candidate c = base;
                c.shape.app_key = key;
                c.shape.app = *claimed[k];
                shapesForApp(c, name, ctx);
                continue;
            }
            if (key == RuleShape::AppKey::AppName && ctx.folded_name == ctx.fold(*claimed[k]))
                continue;
            std::size_t end = ctx.out.size();
            for (std::size_t i = first; i < end; ++i) {
                if (ctx.out[i].app != *claimed[0] || ctx.out[i].app_key != key) continue;
                RuleShape s = ctx.out[i];
                s.app = *claimed[k];
                addIfNew(ctx, std::move(s));
            }
        }
    };
    each(base.profile->app_names, RuleShape::AppKey::AppName);
    each(base.profile->desktop_entries, RuleShape::AppKey::DesktopEntry);
}

void shapesForContact(std::size_t index, const policy::Contact& contact, Context& ctx) {
    for (const std::string& name : contact.names) {
        if (!rules_detail::safeName(name)) continue;
        ctx.folded_name = policy::foldName(name);
        for (const AppProfile& p : ctx.profiles.all()) {
            Candidate base;
            base.shape.contact = index;
            base.shape.profile = p.id;
            base.profile = &p;
            base.contact = &contact;
            shapesForProfile(base, name, ctx);
        }
    }
}

}  // namespace

const char* ruleServerName(RuleServer s) {
    switch (s) {
        case RuleServer::Dunst:
            return "dunst";
        case RuleServer::Mako:
            return "mako";
        case RuleServer::Swaync:
            return "swaync";
    }
    return "";
}

std::optional<RuleServer> ruleServerFor(const std::string& server_name) {
    if (server_name == "dunst") return RuleServer::Dunst;
    if (server_name == "mako") return RuleServer::Mako;
    if (server_name == "SwayNotificationCenter") return RuleServer::Swaync;
    return std::nullopt;
}

std::vector<RuleShape> ruleShapes(const policy::Policy& policy, const policy::Profiles& profiles) {
    const policy::Matcher matcher(policy);
    // A contact's shapes depend on the contact, profiles and matcher only (all only read): every
    // other contact on a second thread, with its own caches, then in the policy's order again.
    std::vector<std::vector<RuleShape>> per_contact(policy.contacts.size());
    policy::onTwoThreads(policy.contacts.size(), [&](std::size_t first, std::size_t step) {
        Context ctx{profiles, matcher};
        for (std::size_t i = first; i < policy.contacts.size(); i += step) {
            shapesForContact(i, policy.contacts[i], ctx);
            per_contact[i] = std::move(ctx.out);
            ctx.out.clear();
        }
    });
    std::vector<RuleShape> out;
    for (auto& shapes : per_contact)
        std::move(shapes.begin(), shapes.end(), std::back_inserter(out));
    return out;
}

bool shapeRenders(RuleServer server, const RuleShape& shape) {
    return server != RuleServer::Swaync || shape.app_key == RuleShape::AppKey::AppName;
}

bool rulesHide(RuleServer server, const std::vector<RuleShape>& shapes,
               const std::vector<bool>& held, const policy::Notification& n) {
    if (n.interface != policy::Interface::Fdo) return false;
    for (const RuleShape& s : shapes) {
        if (s.contact >= held.size() || !held[s.contact] || !shapeRenders(server, s)) continue;
        const std::string& app =
            s.app_key == RuleShape::AppKey::AppName ? n.app_name : n.desktopEntry();
        if (app != s.app) continue;
        const std::string& field = s.field == RuleShape::Field::Summary ? n.summary : n.body;
        if (s.whole ? field == s.text : field.starts_with(s.text)) return true;
    }
    return false;
}

bool rulesHide(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
               const policy::Notification& n) {
    return rulesHide(RuleServer::Dunst, shapes, held, n);
}

}  // namespace nocontact::config
