// SPDX-License-Identifier: GPL-3.0-or-later
// Folders nocontact makes are the person's alone, whatever the umask it runs with.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "config/folders.hpp"

namespace nocontact::config {
namespace {

namespace fs = std::filesystem;

unsigned modeOf(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 01000;  // no such folder: never a mode
    return st.st_mode & 07777;
}

class AFreshTree : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nocontact-folders.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        ::chmod(root_.c_str(), 0755);
    }
    void TearDown() override {
        ::umask(old_mask_);
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    fs::path root_;
    mode_t old_mask_ = ::umask(0);  // the umask an unconfined shell can have
};

TEST_F(AFreshTree, IsMadeOwnerOnlyAllTheWayDownUnderUmask000) {
    std::error_code ec;
    ASSERT_TRUE(makePrivateFolders(root_ / "state/nocontact/deep", ec)) << ec.message();
    EXPECT_FALSE(ec);
    EXPECT_EQ(modeOf(root_ / "state"), 0700u);
    EXPECT_EQ(modeOf(root_ / "state/nocontact"), 0700u);
    EXPECT_EQ(modeOf(root_ / "state/nocontact/deep"), 0700u);
    EXPECT_EQ(modeOf(root_), 0755u) << "a folder that was there kept its mode";
}

TEST_F(AFreshTree, IsMadeOwnerOnlyEvenUnderAUmaskThatForbidsEverything) {
    ::umask(0777);
    std::error_code ec;
    ASSERT_TRUE(makePrivateFolders(root_ / "a/b", ec)) << ec.message();
    EXPECT_EQ(modeOf(root_ / "a"), 0700u);
    EXPECT_EQ(modeOf(root_ / "a/b"), 0700u);
}

TEST_F(AFreshTree, ThatAlreadyExistsIsLeftAsItIs) {
    std::error_code ec;
    ASSERT_TRUE(makePrivateFolders(root_, ec));
    EXPECT_FALSE(ec);
    EXPECT_EQ(modeOf(root_), 0755u);
}

TEST_F(AFreshTree, BelowAFileCannotBeMadeAndSaysWhy) {
    ::close(::open((root_ / "file").c_str(), O_WRONLY | O_CREAT, 0600));
    std::error_code ec;
    EXPECT_FALSE(makePrivateFolders(root_ / "file/below", ec));
    EXPECT_EQ(ec, std::errc::not_a_directory) << ec.message();
}

}  // namespace
}  // namespace nocontact::config
