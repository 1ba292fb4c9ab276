// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dbus/kdeconnect_watch.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::waitUntil;

constexpr const char* kFake = "/org/nocontact/Fake";
constexpr const char* kFakeInterface = "org.nocontact.Fake";
constexpr const char* kService = "org.kde.kdeconnect";

sd_bus* openBus(const std::string& address) {
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, address.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_start(bus);
    if (r < 0) {
        sd_bus_unref(bus);
        throw std::runtime_error("cannot connect to the private bus");
    }
    return bus;
}

struct BusDeleter {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusDeleter>;

// The fake kdeconnectd (tests/fakes/kdeconnect.py) as a child process on the private bus.
class FakeProcess {
  public:
    explicit FakeProcess(const std::string& address) {
        pid_ = fork();
        if (pid_ == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
            execl("/usr/bin/python3", "python3", NOCONTACT_FAKES "/kdeconnect.py",
                  static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~FakeProcess() { stop(); }
    FakeProcess(const FakeProcess&) = delete;
    FakeProcess& operator=(const FakeProcess&) = delete;

    // SIGTERM, as systemd stops a service; returns its exit status.
    int stop() {
        if (pid_ <= 0) return -1;
        int status = 0;
        kill(pid_, SIGTERM);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

  private:
    pid_t pid_ = -1;
};

class AKdeConnectWatch : public ::testing::Test {
  protected:
    void SetUp() override { startWatch(); }

    void startWatch() {
        KdeConnectWatch::Callbacks callbacks;
        callbacks.notification = [this](const PhoneNotification& n) { notes_.push_back(n); };
        callbacks.notification_gone = [this](const std::string& device, const std::string& id) {
            gone_.emplace_back(device, id);
        };
        callbacks.ring = [this](const PhoneRing& r) { rings_.push_back(r); };
        callbacks.sms = [this](const PhoneConversationMessage& m) { sms_.push_back(m); };
        callbacks.presence = [this](bool present) { presence_.push_back(present); };
        watch_ = std::make_unique<KdeConnectWatch>(watched_.get(), std::move(callbacks));
        watch_->start();
    }

    // Starts the fake and waits until the watch has seen it.
    void startFake() {
        std::size_t before = std::count(presence_.begin(), presence_.end(), true);
        fake_ = std::make_unique<FakeProcess>(bus_.address());
        ASSERT_TRUE(waitFor(
            [&] { return std::count(presence_.begin(), presence_.end(), true) > long(before); }));
    }

    void step() {
        while (sd_bus_process(watched_.get(), nullptr) > 0) {
        }
        sd_bus_wait(watched_.get(), 10000);
    }

    bool waitFor(const std::function<bool()>& done) {
        return waitUntil(done, 20s, [this] { step(); });
    }

    // Calls a method of the fake's control interface and waits for its answer.
    template <typename... Args>
    void control(const char* member, const char* types, Args... args) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call_method(client_.get(), kService, kFake, kFakeInterface, member, &error,
                                   &reply, types, args...);
        EXPECT_GE(r, 0) << member << ": " << (error.message ? error.message : "");
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
    }

    void addDevice(const char* id) { control("AddDevice", "ss", id, "Pixel 7"); }
    void post(const char* device, const char* id, const char* app, const char* title,
              const char* text = "text", const char* ticker = "") {
        control("PostNotification", "ssssss", device, id, app, title, text, ticker);
    }
    void sms(const char* member, const char* device, std::int64_t thread, std::int32_t uid,
             std::int32_t type, const char* address, const char* body) {
        control(member, "sxiiassx", device, thread, uid, type, 1, address, body,
                std::int64_t{1764190000000});
    }

    // What the fake recorded on KDE Connect's own objects: (path, member).
    std::vector<std::pair<std::string, std::string>> recorded() {
        std::vector<std::pair<std::string, std::string>> calls;
        sd_bus_message* reply = nullptr;
        EXPECT_GE(sd_bus_call_method(client_.get(), kService, kFake, kFakeInterface, "Recorded",
                                     nullptr, &reply, ""),
                  0);
        const char* path = nullptr;
        const char* member = nullptr;
        if (reply && sd_bus_message_enter_container(reply, 'a', "(ss)") > 0) {
            while (sd_bus_message_read(reply, "(ss)", &path, &member) > 0)
                calls.emplace_back(path, member);
        }
        sd_bus_message_unref(reply);
        return calls;
    }

    bool listed(const std::string& device) {
        auto devices = watch_->devices();
        return std::find(devices.begin(), devices.end(), device) != devices.end();
    }

    testing::PrivateBus bus_;
    Bus watched_{openBus(bus_.address())};
    Bus client_{openBus(bus_.address())};
    std::unique_ptr<FakeProcess> fake_;
    std::unique_ptr<KdeConnectWatch> watch_;
    std::vector<PhoneNotification> notes_;
    std::vector<std::pair<std::string, std::string>> gone_;
    std::vector<PhoneRing> rings_;
    std::vector<PhoneConversationMessage> sms_;
    std::vector<bool> presence_;
};

// The fake is running, with one paired phone, before each of these tests looks.
class AKdeConnectWatchWithAPhone : public AKdeConnectWatch {
  protected:
    void SetUp() override {
        AKdeConnectWatch::SetUp();
        ASSERT_NO_FATAL_FAILURE(startFake());
        addDevice("phone1");
        ASSERT_TRUE(waitFor([&] { return listed("phone1"); }));
    }
};

TEST_F(AKdeConnectWatchWithAPhone, ReportsAPhoneNotificationWithItsDevice) {
    post("phone1", "1", "WhatsApp", "Alex Morgan", "Dinner at 7?", "Alex Morgan: Dinner at 7?");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    EXPECT_EQ(notes_[0].device, "phone1");
    EXPECT_EQ(notes_[0].id, "1");
    EXPECT_EQ(notes_[0].app, "WhatsApp");
    EXPECT_EQ(notes_[0].title, "Alex Morgan");
    EXPECT_EQ(notes_[0].text, "Dinner at 7?");
    EXPECT_EQ(notes_[0].ticker, "Alex Morgan: Dinner at 7?");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsAnUpdatedNotificationAgain) {
    post("phone1", "1", "Signal", "Jordan Lee", "first");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    control("UpdateNotification", "ssssss", "phone1", "1", "Signal", "Jordan Lee", "second", "");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 2; }));
    EXPECT_EQ(notes_[1].id, "1");
    EXPECT_EQ(notes_[1].text, "second");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsARemovedNotificationAsGone) {
    post("phone1", "1", "Signal", "Jordan Lee");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    control("RemoveNotification", "ss", "phone1", "1");
    ASSERT_TRUE(waitFor([&] { return gone_.size() == 1; }));
    EXPECT_EQ(gone_[0], std::make_pair(std::string("phone1"), std::string("1")));
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsEachNotificationAsGoneWhenAllAreRemoved) {
    post("phone1", "1", "Signal", "Jordan Lee");
    post("phone1", "2", "WhatsApp", "Alex Morgan");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 2; }));
    control("RemoveAllNotifications", "s", "phone1");
    ASSERT_TRUE(waitFor([&] { return gone_.size() == 2; }));
    std::sort(gone_.begin(), gone_.end());
    EXPECT_EQ(gone_[0].second, "1");
    EXPECT_EQ(gone_[1].second, "2");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsARingingCallWithItsNumberAndName) {
    control("Ring", "ssss", "phone1", "callReceived", "+49 170 1234567", "Alex Morgan");
    ASSERT_TRUE(waitFor([&] { return rings_.size() == 1; }));
    EXPECT_EQ(rings_[0].device, "phone1");
    EXPECT_EQ(rings_[0].event, "callReceived");
    EXPECT_EQ(rings_[0].number, "+49 170 1234567");
    EXPECT_EQ(rings_[0].contact_name, "Alex Morgan");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsAMissedCall) {
    control("Ring", "ssss", "phone1", "missedCall", "+441632960961", "+441632960961");
    ASSERT_TRUE(waitFor([&] { return rings_.size() == 1; }));
    EXPECT_EQ(rings_[0].event, "missedCall");
    EXPECT_EQ(rings_[0].number, "+441632960961");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsAnIncomingSmsWithItsAddressBodyAndThread) {
    sms("Sms", "phone1", 42, 7, 1, "+15550100", "Call me");
    ASSERT_TRUE(waitFor([&] { return sms_.size() == 1; }));
    EXPECT_EQ(sms_[0].device, "phone1");
    EXPECT_EQ(sms_[0].thread, 42);
    EXPECT_EQ(sms_[0].uid, 7);
    EXPECT_TRUE(sms_[0].incoming);
    EXPECT_EQ(sms_[0].addresses, std::vector<std::string>{"+15550100"});
    EXPECT_EQ(sms_[0].body, "Call me");
    EXPECT_EQ(sms_[0].date_ms, 1764190000000);
}

TEST_F(AKdeConnectWatchWithAPhone, ReadsTheOlderSmsStructWithoutAttachments) {
    sms("SmsOld", "phone1", 43, 8, 1, "+15550101", "Old shape");
    ASSERT_TRUE(waitFor([&] { return sms_.size() == 1; }));
    EXPECT_EQ(sms_[0].thread, 43);
    EXPECT_EQ(sms_[0].addresses, std::vector<std::string>{"+15550101"});
    EXPECT_EQ(sms_[0].body, "Old shape");
    EXPECT_TRUE(sms_[0].incoming);
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsASentSmsAsNotIncoming) {
    sms("Sms", "phone1", 42, 9, 2, "+15550100", "On my way");
    ASSERT_TRUE(waitFor([&] { return sms_.size() == 1; }));
    EXPECT_FALSE(sms_[0].incoming);
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsTheFirstSmsOfANewConversation) {
    sms("SmsCreated", "phone1", 44, 10, 1, "+15550102", "Hi, new number");
    ASSERT_TRUE(waitFor([&] { return sms_.size() == 1; }));
    EXPECT_EQ(sms_[0].thread, 44);
    EXPECT_EQ(sms_[0].body, "Hi, new number");
}

TEST_F(AKdeConnectWatchWithAPhone, ListsAHotPluggedDeviceAndReportsItsNotifications) {
    addDevice("tablet2");
    ASSERT_TRUE(waitFor([&] { return listed("tablet2"); }));
    EXPECT_TRUE(listed("phone1"));
    post("tablet2", "1", "Telegram", "Sam");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    EXPECT_EQ(notes_[0].device, "tablet2");
}

TEST_F(AKdeConnectWatchWithAPhone, ForgetsARemovedDeviceAndItsNotifications) {
    post("phone1", "1", "Signal", "Jordan Lee");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    control("RemoveDevice", "s", "phone1");
    ASSERT_TRUE(waitFor([&] { return !listed("phone1") && gone_.size() == 1; }));
    EXPECT_EQ(gone_[0].second, "1");
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsARestartAsGoneThenPresentAndKeepsReporting) {
    post("phone1", "1", "Signal", "Jordan Lee");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    presence_.clear();
    EXPECT_EQ(fake_->stop(), 0);  // exits cleanly on SIGTERM
    ASSERT_TRUE(waitFor([&] { return presence_.size() == 1; }));
    EXPECT_FALSE(presence_[0]);
    EXPECT_TRUE(watch_->devices().empty());
    EXPECT_EQ(gone_.size(), 1u);  // kdeconnectd took its notifications with it
    ASSERT_NO_FATAL_FAILURE(startFake());
    EXPECT_EQ(presence_, (std::vector<bool>{false, true}));
    addDevice("phone1");
    ASSERT_TRUE(waitFor([&] { return listed("phone1"); }));
    control("Ring", "ssss", "phone1", "callReceived", "+15550100", "Alex Morgan");
    post("phone1", "1", "Signal", "Jordan Lee", "after the restart");
    ASSERT_TRUE(waitFor([&] { return rings_.size() == 1 && notes_.size() == 2; }));
    EXPECT_EQ(notes_[1].text, "after the restart");
}

TEST_F(AKdeConnectWatch, ReportsAbsenceThenPresenceWhenKdeConnectStartsLater) {
    ASSERT_TRUE(waitFor([&] { return presence_.size() == 1; }));
    EXPECT_FALSE(presence_[0]);
    ASSERT_NO_FATAL_FAILURE(startFake());
    EXPECT_EQ(presence_, (std::vector<bool>{false, true}));
    addDevice("phone1");
    post("phone1", "1", "WhatsApp", "Alex Morgan");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == 1; }));
    EXPECT_TRUE(listed("phone1"));
}

TEST_F(AKdeConnectWatch, ListsTheDevicesThatWereThereBeforeItStarted) {
    watch_.reset();
    fake_ = std::make_unique<FakeProcess>(bus_.address());
    ASSERT_TRUE(waitFor([&] {
        return sd_bus_call_method(client_.get(), kService, kFake, "org.freedesktop.DBus.Peer",
                                  "Ping", nullptr, nullptr, "") >= 0;
    }));
    addDevice("phone1");
    startWatch();
    ASSERT_TRUE(waitFor([&] { return listed("phone1"); }));
    EXPECT_EQ(presence_, std::vector<bool>{true});
}

TEST_F(AKdeConnectWatchWithAPhone, SkipsMalformedSignalsAndReportsTheNextEvent) {
    control("Malformed", "s", "phone1");
    control("Ring", "ssss", "phone1", "callReceived", "+15550100", "Alex Morgan");
    ASSERT_TRUE(waitFor([&] { return rings_.size() == 1 && notes_.size() == 1; }));
    EXPECT_EQ(rings_[0].number, "+15550100");
    EXPECT_TRUE(sms_.empty());
    // "ghost" has no object behind it; "odd" has a title that is an int32: read as empty.
    EXPECT_EQ(notes_[0].id, "odd");
    EXPECT_EQ(notes_[0].title, "");
    EXPECT_EQ(notes_[0].app, "Odd");
    EXPECT_EQ(notes_[0].text, "text");
    EXPECT_TRUE(listed("phone1"));
}

TEST_F(AKdeConnectWatchWithAPhone, NeverCallsAnythingOnThePhonesNotifications) {
    post("phone1", "1", "Signal", "Jordan Lee");
    control("UpdateNotification", "ssssss", "phone1", "1", "Signal", "Jordan Lee", "again", "");
    control("RemoveNotification", "ss", "phone1", "1");
    sms("Sms", "phone1", 42, 7, 1, "+15550100", "Call me");
    control("Ring", "ssss", "phone1", "callReceived", "+15550100", "Alex Morgan");
    ASSERT_TRUE(
        waitFor([&] { return gone_.size() == 1 && sms_.size() == 1 && rings_.size() == 1; }));
    auto calls = recorded();
    ASSERT_FALSE(calls.empty());
    for (const auto& [path, member] : calls)
        EXPECT_TRUE(member == "GetAll" || member == "devices") << path << " " << member;
}

TEST_F(AKdeConnectWatchWithAPhone, ReportsEveryNotificationOfABurst) {
    constexpr int kBurst = 200;  // a phone connecting sends all it shows at once
    for (int i = 1; i <= kBurst; ++i)
        post("phone1", std::to_string(i).c_str(), "Signal", "Jordan Lee");
    ASSERT_TRUE(waitFor([&] { return notes_.size() == kBurst; }));
}

TEST_F(AKdeConnectWatchWithAPhone, CallsNoCallbackOnceDestroyedWithAReadInFlight) {
    // A filter sees each message before the watch does: one message at a time until the
    // watch has had notificationPosted and sent its GetAll, whose reply is then still to come.
    bool posted = false;
    sd_bus_slot* filter = nullptr;
    auto seen = [](sd_bus_message* m, void* userdata, sd_bus_error*) {
        if (sd_bus_message_is_signal(m, nullptr, "notificationPosted"))
            *static_cast<bool*>(userdata) = true;
        return 0;
    };
    ASSERT_GE(sd_bus_add_filter(watched_.get(), &filter, seen, &posted), 0);
    post("phone1", "1", "Signal", "Jordan Lee");
    ASSERT_TRUE(waitUntil([&] { return posted; }, 20s,
                          [&] {
                              if (sd_bus_process(watched_.get(), nullptr) == 0)
                                  sd_bus_wait(watched_.get(), 10000);
                          }));
    watch_.reset();
    control("Ring", "ssss", "phone1", "callReceived", "+15550100", "Alex Morgan");
    auto calls = recorded();  // the GetAll was answered, to nobody
    EXPECT_NE(std::find_if(calls.begin(), calls.end(),
                           [](const auto& c) { return c.second == "GetAll"; }),
              calls.end());
    for (int i = 0; i < 20; ++i)
        step();
    EXPECT_TRUE(notes_.empty());
    EXPECT_TRUE(rings_.empty());
    sd_bus_slot_unref(filter);
}

}  // namespace
}  // namespace nocontact::dbus
