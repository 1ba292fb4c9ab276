// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "ctl/notification_json.hpp"

namespace nocontact::ctl {
namespace {

std::string errorOf(std::string_view line) {
    auto r = parseNotificationLine(line);
    auto* e = std::get_if<std::string>(&r);
    return e ? *e : "";
}

TEST(TheJsonReader, ReadsAnFdoNotificationWithItsHints) {
    auto r = parseNotificationLine(
        R"({"id":"x","interface":"fdo","args":{"app_name":"Signal","replaces_id":4,)"
        R"("summary":"Alex","body":"hi","actions":["default","View"],)"
        R"("hints":{"desktop-entry":"signal","urgency":1,"image-data":"<png>"}},)"
        R"json("hint_types":{"image-data":"(iiibiiay)"},"sender":"someone else"})json");
    ASSERT_TRUE(std::holds_alternative<JsonNotification>(r)) << errorOf("");
    const auto& n = std::get<JsonNotification>(r).notification;
    EXPECT_EQ(n.interface, policy::Interface::Fdo);
    EXPECT_EQ(n.app_name, "Signal");
    EXPECT_EQ(n.replaces_id, 4u);
    EXPECT_EQ(n.hints.at("desktop-entry"), "signal");
    EXPECT_EQ(n.hints.at("urgency"), "1");
    EXPECT_EQ(n.hints.count("image-data"), 0u) << "binary hints carry no sender";
    EXPECT_EQ(n.desktopEntry(), "signal");
}

TEST(TheJsonReader, ReadsGtkAndPortalShapes) {
    auto r = parseNotificationLine(
        R"({"interface":"gtk","args":{"app_id":"org.gnome.Calls","id":"missed-call-1",)"
        R"("notification":{"title":"Missed call","body":"Missed call from 1"}}})");
    ASSERT_TRUE(std::holds_alternative<JsonNotification>(r));
    const auto& n = std::get<JsonNotification>(r).notification;
    EXPECT_EQ(n.interface, policy::Interface::Gtk);
    EXPECT_EQ(n.summary, "Missed call");
    EXPECT_EQ(n.id, "missed-call-1");
    auto p = parseNotificationLine(
        R"({"interface":"portal","args":{"id":"7","notification":{"title":"Mom"}}})");
    ASSERT_TRUE(std::holds_alternative<JsonNotification>(p));
    EXPECT_EQ(std::get<JsonNotification>(p).notification.interface, policy::Interface::Portal);
}

TEST(TheJsonReader, NamesTheFieldThatIsWrong) {
    EXPECT_EQ(errorOf("{"), "not valid JSON");
    EXPECT_EQ(errorOf("[1]"), "a line must be a JSON object");
    EXPECT_EQ(errorOf(R"({"interface":"sms","args":{}})"),
              "line.interface must be fdo, gtk or portal");
    EXPECT_EQ(errorOf(R"({"interface":"fdo","args":{"app_name":"a","summary":7}})"),
              "args.summary must be a string");
    EXPECT_EQ(errorOf(R"({"interface":"fdo","args":{"app_name":"a","summary":"s","hints":[]}})"),
              "args.hints must be an object");
    EXPECT_EQ(errorOf(R"({"interface":"fdo","args":{"app_name":"a","summary":"s",)"
                      R"("replaces_id":-1}})"),
              "args.replaces_id must be a whole number, 0 or more");
    EXPECT_EQ(errorOf(R"({"interface":"gtk","args":{"app_id":"a","id":"b"}})"),
              "args.notification must be an object");
}

TEST(TheJsonReader, RefusesDeepNestingWithoutRecursing) {
    std::string deep(100000, '[');
    EXPECT_EQ(errorOf(deep), "the line is nested too deeply");
}

}  // namespace
}  // namespace nocontact::ctl
