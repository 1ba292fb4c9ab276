// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/normalise.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include "policy/phone_loader.hpp"
#include "policy/phone_regions.hpp"
#include "policy/two_threads.hpp"

namespace nocontact::policy {
namespace {

const phone::Module* phones() {
    return phone::module();
}

bool isAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

bool isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// For pure ASCII, NFKD is the identity, there are no combining marks and full case folding
// is plain lower-casing: skipping ICU keeps matching cheap for the common case.
std::string foldAscii(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (char c : s) {
        if (isAsciiSpace(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

// Removes nonspacing marks (accents left over from NFKD) and every invisible formatting code
// point (Default_Ignorable_Code_Point, Bidi_Control: the isolates some apps' translations wrap
// names in, zero-width spaces, byte order marks, direction marks), and collapses white space.
icu::UnicodeString dropMarksAndCollapse(const icu::UnicodeString& in) {
    icu::UnicodeString out;
    bool pending_space = false;
    for (int32_t i = 0; i < in.length();) {
        UChar32 c = in.char32At(i);
        i += U16_LENGTH(c);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;
        if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
            u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
            continue;
        if (u_isUWhiteSpace(c)) {
            pending_space = !out.isEmpty();
            continue;
        }
        if (pending_space) out.append(UChar32{' '});
        pending_space = false;
        out.append(c);
    }
    return out;
}

std::string foldUnicode(std::string_view s) {
    UErrorCode status = U_ZERO_ERROR;
    static const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
    static const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (nfkd == nullptr || nfc == nullptr) return foldAscii(s);
    status = U_ZERO_ERROR;
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
    icu::UnicodeString decomposed = nfkd->normalize(text, status);
    icu::UnicodeString folded = dropMarksAndCollapse(decomposed).foldCase();
    icu::UnicodeString composed = nfc->normalize(folded, status);
    if (U_FAILURE(status)) return foldAscii(s);
    std::string out;
    composed.toUTF8String(out);
    return out;
}

}  // namespace

std::string foldName(std::string_view utf8) {
    return isAscii(utf8) ? foldAscii(utf8) : foldUnicode(utf8);
}

namespace {

// One UTF-8 sequence at `i` (advanced past it); U+FFFD for a broken, overlong or surrogate one.
char32_t nextCodePoint(std::string_view s, std::size_t& i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    int extra = b < 0x80           ? 0
                : (b >> 5) == 0x6  ? 1
                : (b >> 4) == 0xE  ? 2
                : (b >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
    for (int k = 1; k <= extra; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    i += static_cast<std::size_t>(extra) + 1;
    static constexpr char32_t kLeast[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kLeast[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    return cp;
}

// What one code point becomes in a plain number: itself, or an ASCII stand-in, or nothing.
std::optional<char> plainChar(char32_t cp) {
    if (cp < 0x80) return static_cast<char>(cp);
    // Any script's decimal digits (Arabic-Indic, Persian, Devanagari, full-width...).
    if (int digit = u_charDigitValue(static_cast<UChar32>(cp)); digit >= 0 && digit <= 9)
        return static_cast<char>('0' + digit);
    if (cp == 0xFF0B) return '+';
    if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
        cp == 0x3000)
        return ' ';
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63 || cp == 0xFF0D) return '-';
    if (cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x200B)
        return std::nullopt;
    return '?';  // anything else keeps the text from looking like a number
}

std::string plainText(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (auto c = plainChar(nextCodePoint(text, i))) out += *c;
    }
    auto first = out.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::string plainNumber(std::string_view text) {
    if (text.size() < 4 || lowerAscii(text.substr(0, 4)) != "tel:") return plainText(text);
    // RFC 3966: "tel:" number *(";" parameter); a local number's phone-context, when it is a
    // global prefix ("+1415"), says where it belongs.
    text.remove_prefix(4);
    std::string_view number = text.substr(0, text.find(';'));
    std::string context;
    for (std::size_t at = text.find(';'); at != std::string_view::npos;) {
        std::size_t next = text.find(';', at + 1);
        std::string_view param = text.substr(
            at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
        if (lowerAscii(param.substr(0, 14)) == "phone-context=") context = param.substr(14);
        at = next;
    }
    std::string plain = plainText(number);
    if (!plain.empty() && plain.front() != '+' && context.size() > 1 && context.front() == '+')
        return plainText(context) + " " + plain;
    return plain;
}

std::optional<std::string> toE164(std::string_view number, std::string_view region) {
    const phone::Module* module = phones();
    std::string out;
    if (!module || !module->toE164(plainNumber(number), std::string(region), out))
        return std::nullopt;
    return out;
}

bool isValidNumber(std::string_view e164) {
    const phone::Module* module = phones();
    return module && module->isValid(std::string(e164));
}

namespace {

// One parse: the E.164 form, and whether the number is in an assigned range.
std::optional<PolicyNumber> parsePolicyNumber(const std::string& plain, const std::string& region) {
    const phone::Module* module = phones();
    PolicyNumber out;
    if (!module || !module->readPolicyNumber(plain, region, out.e164, out.valid))
        return std::nullopt;
    return out;
}

// What readPolicyNumber answered before, by plain number and region: the numbers of the last
// policy read (and of any read since), so a reload finds the ones it already knows. A process-
// wide memo of a pure function, like libphonenumber's own instance. The policy is read on the
// daemon's one thread, but rememberPolicyNumbers fills it from two.
class RememberedNumbers {
  public:
    // The key of a number as written in a region; empty when it is not worth remembering:
    // written numbers are short, and a long text (or one with a NUL) is a mistake, read again if
    // it comes again, so what is kept stays small.
    static std::string key(const std::string& plain, std::string_view region) {
        constexpr std::size_t kLongestRemembered = 64;
        if (plain.size() > kLongestRemembered || plain.find('\0') != plain.npos) return {};
        return std::string(plain).append(1, '\0').append(region);
    }
    std::optional<std::optional<PolicyNumber>> find(const std::string& k) {
        std::lock_guard lock(mutex_);
        auto found = numbers_.find(k);
        if (found == numbers_.end()) return std::nullopt;
        return found->second;
    }
    void add(std::string k, std::optional<PolicyNumber> number) {
        if (k.empty()) return;
        std::lock_guard lock(mutex_);
        if (numbers_.size() >= kRememberedNumbers) numbers_.clear();
        numbers_.emplace(std::move(k), std::move(number));
    }
    // Forgets every number but `keys`: those of the policy just read.
    void keepOnly(const std::set<std::string>& keys) {
        std::lock_guard lock(mutex_);
        std::erase_if(numbers_, [&](const auto& entry) { return !keys.contains(entry.first); });
    }

  private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::optional<PolicyNumber>> numbers_;
};

RememberedNumbers& remembered() {
    static RememberedNumbers numbers;
    return numbers;
}

// One number to read: as parsed, and as remembered.
struct NumberText {
    std::string plain;
    std::string key;
};

NumberText numberText(std::string_view number, std::string_view region) {
    std::string plain = plainNumber(number);
    std::string key = RememberedNumbers::key(plain, region);
    return {std::move(plain), std::move(key)};
}

std::optional<PolicyNumber> readAndRemember(const NumberText& text, const std::string& region) {
    auto number = parsePolicyNumber(text.plain, region);
    // Without the module nothing was read: it is asked again when the number comes again.
    if (number || phones()) remembered().add(text.key, number);
    return number;
}

}  // namespace

std::optional<PolicyNumber> readPolicyNumber(std::string_view number, std::string_view region) {
    const NumberText text = numberText(number, region);
    if (!text.key.empty()) {
        if (auto found = remembered().find(text.key)) return *found;
    }
    return readAndRemember(text, std::string(region));
}

void rememberPolicyNumbers(const std::vector<std::string_view>& numbers, std::string_view region) {
    std::vector<NumberText> todo;
    std::set<std::string> keys;
    for (auto number : numbers) {
        NumberText text = numberText(number, region);
        if (text.key.empty() || !keys.insert(text.key).second) continue;
        if (!remembered().find(text.key)) todo.push_back(std::move(text));
    }
    remembered().keepOnly(keys);
    const std::string where(region);
    onTwoThreads(todo.size(), [&](std::size_t first, std::size_t step) {
        for (std::size_t i = first; i < todo.size(); i += step)
            readAndRemember(todo[i], where);
    });
}

void prepareNumbers() {
    // Any question reads the metadata.
    if (const phone::Module* module = phones()) module->isValid("+12025550123");
}

bool isPlainE164(std::string_view text) {
    if (text.size() < 8 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
    return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isKnownRegion(std::string_view region) {
    // The usual regions are known without loading the module: a policy of names with a region
    // never needs it. Another is asked of the module, which a newer libphonenumber may know.
    if (isBuiltInRegion(region)) return true;
    if (region.size() != 2) return false;
    std::set<std::string> more;
    if (const phone::Module* module = phones()) module->regions(more);
    return more.contains(std::string(region));
}

std::string phoneTrouble() {
    return phone::trouble();
}

std::vector<std::string> phoneRegions() {
    std::set<std::string> r;
    if (const phone::Module* module = phones()) module->regions(r);
    return {r.begin(), r.end()};
}

bool looksLikePhoneNumber(std::string_view text) {
    int digits = 0;
    for (char c : plainNumber(text)) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (std::string_view(" +()-./").find(c) == std::string_view::npos) {
            return false;
        }
    }
    // Five digits: short codes and the shortest national numbers; fewer is a time or a count.
    return digits >= 5;
}

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace nocontact::policy
