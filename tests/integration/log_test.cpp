// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/log.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

namespace nclog = nocontact::daemon::log;

namespace {

// The logging API cannot carry message text: a message is only ever a literal, and the fields
// are exactly the six named ones (a structured binding of six names only compiles for six).
static_assert(!std::is_constructible_v<nclog::Literal, std::string>);
static_assert(!std::is_constructible_v<nclog::Literal, std::string_view>);
static_assert(!std::is_constructible_v<nclog::Literal, const char*>);
static_assert(std::is_aggregate_v<nclog::Fields>);
static_assert(sizeof(nclog::Fields) == 6 * sizeof(std::string));
[[maybe_unused]] void fieldsAreExactlyTheNamedSix(const nclog::Fields& f) {
    const auto& [contact, app, action, level, kind, source] = f;
    static_assert(std::is_same_v<decltype(contact), const std::string>);
    nclog::Fields named{.contact = contact,
                        .app = app,
                        .action = action,
                        .level = level,
                        .kind = kind,
                        .source = source};
}

// Runs `body` with stderr redirected to a file and returns what it wrote there.
template <typename Body>
std::string captureStderr(Body body) {
    char path[] = "/tmp/nocontact-log.XXXXXX";
    int file = mkstemp(path);
    int saved = dup(STDERR_FILENO);
    dup2(file, STDERR_FILENO);
    body();
    dup2(saved, STDERR_FILENO);
    close(saved);
    std::string out;
    char buffer[4096];
    ssize_t n;
    lseek(file, 0, SEEK_SET);
    while ((n = read(file, buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    close(file);
    unlink(path);
    return out;
}

class ALogLine : public ::testing::Test {
  protected:
    void SetUp() override { unsetenv("JOURNAL_STREAM"); }
    void TearDown() override { unsetenv("JOURNAL_STREAM"); }
    nclog::Fields alex_{.contact = "Alex", .app = "signal", .action = "pause"};
};

}  // namespace

TEST_F(ALogLine, GoesToStderrAsOneLineWithTheFieldsWhenStderrIsNotTheJournal) {
    auto out = captureStderr([&] { nclog::write(nclog::Priority::Info, "withheld", alex_); });
    EXPECT_EQ(out, "nocontactd: withheld contact=Alex app=signal action=pause\n");
}

TEST_F(ALogLine, LeavesOutEmptyFieldsAndQuotesValuesWithSpaces) {
    nclog::Fields fields{.contact = "Alex Morgan", .level = "firm", .source = "fdo"};
    auto out = captureStderr([&] { nclog::write(nclog::Priority::Notice, "held", fields); });
    EXPECT_EQ(out, "nocontactd: held contact=\"Alex Morgan\" level=firm source=fdo\n");
}

TEST_F(ALogLine, CannotBeSplitByAnAppNameWithANewline) {
    nclog::Fields fields{.app = "evil\nnocontactd: forged"};
    auto out = captureStderr([&] { nclog::write(nclog::Priority::Info, "seen", fields); });
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
    EXPECT_EQ(out, "nocontactd: seen app=\"evil?nocontactd: forged\"\n");
}

TEST_F(ALogLine, IsNotWrittenToStderrWhenStderrIsTheJournal) {
    auto out = captureStderr([&] {
        struct stat st {};
        fstat(STDERR_FILENO, &st);
        std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
        setenv("JOURNAL_STREAM", stream.c_str(), 1);
        EXPECT_TRUE(nclog::stderrIsJournal());
        nclog::write(nclog::Priority::Info, "withheld", alex_);
    });
    EXPECT_EQ(out, "");
}

TEST_F(ALogLine, TreatsAJournalStreamNamingAnotherFileAsNotTheJournal) {
    setenv("JOURNAL_STREAM", "1:1", 1);
    EXPECT_FALSE(nclog::stderrIsJournal());
    setenv("JOURNAL_STREAM", "garbage", 1);
    EXPECT_FALSE(nclog::stderrIsJournal());
}

TEST(AJournalEntry, HasMessagePriorityAndEveryNoContactField) {
    nclog::Fields all{.contact = "Alex",
                      .app = "signal",
                      .action = "withhold",
                      .level = "firm",
                      .kind = "notification",
                      .source = "fdo"};
    auto entry = nclog::journalFields(nclog::Priority::Warning, "withheld", all);
    std::vector<std::string> want{"MESSAGE=withheld",
                                  "PRIORITY=4",
                                  "SYSLOG_IDENTIFIER=nocontactd",
                                  "NOCONTACT_CONTACT=Alex",
                                  "NOCONTACT_APP=signal",
                                  "NOCONTACT_ACTION=withhold",
                                  "NOCONTACT_LEVEL=firm",
                                  "NOCONTACT_KIND=notification",
                                  "NOCONTACT_SOURCE=fdo"};
    EXPECT_EQ(entry, want);
}

TEST(AJournalEntry, OmitsEmptyFields) {
    auto entry = nclog::journalFields(nclog::Priority::Info, "started", {.app = "signal"});
    std::vector<std::string> want{"MESSAGE=started", "PRIORITY=6", "SYSLOG_IDENTIFIER=nocontactd",
                                  "NOCONTACT_APP=signal"};
    EXPECT_EQ(entry, want);
}

TEST_F(ALogLine, AboutARefusedPolicyNamesEveryProblemOnOneLine) {
    auto out = captureStderr([] {
        nclog::policy(false, "p.yaml:3:5: error: unknown key\np.yaml:9:1: error: bad time");
    });
    EXPECT_EQ(out,
              "nocontactd: policy not applied, the last good one stays: p.yaml:3:5: error: "
              "unknown key p.yaml:9:1: error: bad time\n");
}

TEST_F(ALogLine, WithADetailPutsItAfterTheLiteral) {
    auto out = captureStderr(
        [] { nclog::detail(nclog::Priority::Info, "notification server", "dunst 1.9.0"); });
    EXPECT_EQ(out, "nocontactd: notification server: dunst 1.9.0\n");
}
