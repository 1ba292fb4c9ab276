// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd with a damaged journal: one page of the file (the held table's root)
// overwritten with junk, before it starts or while it runs. The file is set aside untouched, the
// person is told where it is and what could still be read from it, and the contact's next
// message is withheld and kept as always.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "daemon/strings.hpp"
#include "tests/integration/daemon_faults.hpp"

namespace {

using nocontact::testing::DaemonFaults;
using nocontact::testing::field;
using nocontact::testing::integrityOk;
using nocontact::testing::journal::damageRootPage;
namespace strings = nocontact::daemon::strings;

class ADaemonWithADamagedJournal : public DaemonFaults {
  protected:
    // How many notifications the daemon posted with `summary`, the last one's body in `body`.
    int noticesWith(const char* summary, std::string* body = nullptr) const {
        int n = 0;
        for (const auto& call : server_->calls()) {
            if (call.member != "Notify" || call.summary != summary) continue;
            ++n;
            if (body) *body = call.body;
        }
        return n;
    }

    // Waits for the notice about the journal set aside; its body.
    std::string setAsideNotice() {
        std::string body;
        EXPECT_TRUE(waitFor([&] {
            return noticesWith(strings::kJournalSetAsideSummary, &body) > 0;
        })) << "the person was not told";
        return body;
    }

    // Status names the file set aside, which is there, and the notice names it too.
    void expectSetAsideAs(const std::string& body) {
        const std::string aside = field<std::string>(status(), "journal_set_aside");
        ASSERT_FALSE(aside.empty()) << "status does not say the journal was set aside";
        EXPECT_TRUE(std::filesystem::exists(aside)) << aside;
        EXPECT_NE(body.find(std::filesystem::path(aside).filename().string()), std::string::npos)
            << "the notice names another file: " << body;
        EXPECT_NE(body.find("Nothing was deleted"), std::string::npos) << body;
    }
};

TEST_F(ADaemonWithADamagedJournal, FoundAtStartIsSetAsideSaysWhatWasSavedAndStillWithholds) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto&) {}));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept before the damage"))));
    ASSERT_EQ(stopAnswering(), 0);
    ASSERT_TRUE(damageRootPage(journalFile(), "held"));

    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    const std::string body = setAsideNotice();
    ASSERT_NO_FATAL_FAILURE(expectSetAsideAs(body));
    // Its event could be read; the message it kept could not.
    EXPECT_NE(body.find("no message waiting for you was among it"), std::string::npos) << body;
    EXPECT_EQ(field<std::string>(status(), "journal"), "disk");

    const std::string kAfter = "arrives after a start with a damaged journal";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kAfter))));
    EXPECT_EQ(field<std::uint32_t>(status(), "unkept"), 0u);
    auto ids = heldIds();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(readHeld(ids[0]), kAfter);
    EXPECT_TRUE(integrityOk(journalFile()));
}

TEST_F(ADaemonWithADamagedJournal, FoundWhileRunningIsSetAsideAndTheNextMessageIsStillWithheld) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto&) {}));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept before the damage"))));
    // Asking for it puts it into the file from the keep log, so that the damage can take it.
    ASSERT_EQ(heldIds().size(), 1u);
    ASSERT_TRUE(damageRootPage(journalFile(), "held"));

    const std::string kAfter = "arrives after the damage";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kAfter))))
        << "the damaged journal left the contact's message on screen";
    const std::string body = setAsideNotice();
    ASSERT_NO_FATAL_FAILURE(expectSetAsideAs(body));
    auto s = status();
    EXPECT_EQ(field<std::uint32_t>(s, "unkept"), 0u);
    EXPECT_EQ(field<std::string>(s, "journal"), "disk") << "the new journal could be written";
    auto ids = heldIds();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(readHeld(ids[0]), kAfter);
    EXPECT_NE(daemon_->log().find("The journal is damaged"), std::string::npos);
    EXPECT_TRUE(integrityOk(journalFile()));
}

}  // namespace
