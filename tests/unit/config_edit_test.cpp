// Editing a profile line by line (ccai/config_edit.hpp): only the key's own line changes; a file that
// cannot be edited so is left alone with a reason; files are replaced atomically and safely.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ccai/config_edit.hpp"
#include "support/process.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::mode_of;
using ccai::test::slurp;

namespace {

std::string edit(std::string_view text, const std::string& key, std::optional<std::string> value,
                 const std::string& profile = "default") {
    const SettingChange change{key, std::move(value)};
    auto r = edit_profile_text(text, "f.toml", profile, {&change, 1});
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    return *r;
}

std::string refusal(std::string_view text, const std::string& key, std::optional<std::string> value) {
    const SettingChange change{key, std::move(value)};
    auto r = edit_profile_text(text, "f.toml", "default", {&change, 1});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::config);
    return r.error().message;
}

}  // namespace

TEST_CASE("config edit: a key's own line changes; comments, order, spacing and other profiles stay") {
    const std::string text =
        "# my profiles\n"
        "[default]\n"
        "host   =   \"https://old\"   # the EU tenant\n"
        "bot_id = 'st-1'\n"
        "\n"
        "# production\n"
        "[prod]\n"
        "host = \"https://prod\"\n";
    CHECK(edit(text, "host", "https://new") ==
          "# my profiles\n"
          "[default]\n"
          "host   =   \"https://new\"   # the EU tenant\n"
          "bot_id = 'st-1'\n"
          "\n"
          "# production\n"
          "[prod]\n"
          "host = \"https://prod\"\n");
    CHECK(edit(text, "host", "https://p2", "prod") ==
          "# my profiles\n"
          "[default]\n"
          "host   =   \"https://old\"   # the EU tenant\n"
          "bot_id = 'st-1'\n"
          "\n"
          "# production\n"
          "[prod]\n"
          "host = \"https://p2\"\n");
    // A new key goes after the table's last one, before the blank line and the comment of the next table.
    CHECK(edit(text, "org_id", "o-1") ==
          "# my profiles\n"
          "[default]\n"
          "host   =   \"https://old\"   # the EU tenant\n"
          "bot_id = 'st-1'\n"
          "org_id = \"o-1\"\n"
          "\n"
          "# production\n"
          "[prod]\n"
          "host = \"https://prod\"\n");
    // Removing a key removes its line only.
    CHECK(edit(text, "bot_id", std::nullopt) ==
          "# my profiles\n"
          "[default]\n"
          "host   =   \"https://old\"   # the EU tenant\n"
          "\n"
          "# production\n"
          "[prod]\n"
          "host = \"https://prod\"\n");
    CHECK(edit(text, "org_id", std::nullopt) == text);  // not there: nothing to remove
    // A profile that is not there yet is added at the end.
    CHECK(edit(text, "host", "https://s", "staging") == text + "\n[staging]\nhost = \"https://s\"\n");
    CHECK(edit("", "host", "https://h") == "[default]\nhost = \"https://h\"\n");
    CHECK(edit("[default]", "host", "https://h") == "[default]\nhost = \"https://h\"\n");
    CHECK(edit("# only a comment", "host", "https://h") == "# only a comment\n\n[default]\nhost = \"https://h\"\n");
}

TEST_CASE("config edit: values are written as TOML reads them back") {
    CHECK(edit("[default]\njwt_ttl = 3600\n", "jwt_ttl", "7200") == "[default]\njwt_ttl = 7200\n");
    CHECK(edit("[default]\njwt_jti = false\n", "jwt_jti", "true") == "[default]\njwt_jti = true\n");
    CHECK(edit("", "burst", "007") == "[default]\nburst = \"007\"\n");  // TOML has no leading zeros
    CHECK(edit("[default]\ntimeout = \"60\"\n", "timeout", "2.5") == "[default]\ntimeout = \"2.5\"\n");
    CHECK(edit("", "jwt_sub", R"(a "quoted" \ name)") == "[default]\njwt_sub = \"a \\\"quoted\\\" \\\\ name\"\n");
    CHECK(edit("", "jwt_sub", "caf\xC3\xA9") == "[default]\njwt_sub = \"caf\xC3\xA9\"\n");
    // A quoted key is the same key.
    CHECK(edit("[default]\n\"host\" = \"a\"\n", "host", "https://b") == "[default]\n\"host\" = \"https://b\"\n");
    // A table header with blanks and a comment.
    CHECK(edit("[ default ]  # main\nhost = \"a\"\n", "host", "https://b") == "[ default ]  # main\nhost = \"https://b\"\n");
}

TEST_CASE("config edit: CRLF files keep CRLF, and a byte-order mark stays") {
    CHECK(edit("[default]\r\nhost = \"a\"\r\n", "host", "https://b") == "[default]\r\nhost = \"https://b\"\r\n");
    CHECK(edit("[default]\r\nhost = \"a\"\r\n", "bot_id", "st-2") == "[default]\r\nhost = \"a\"\r\nbot_id = \"st-2\"\r\n");
    CHECK(edit("[default]\r\nhost = \"a\"", "bot_id", "st-2") == "[default]\r\nhost = \"a\"\r\nbot_id = \"st-2\"\r\n");
    CHECK(edit("\xEF\xBB\xBF[default]\nhost = \"a\"\n", "host", "https://b") == "\xEF\xBB\xBF[default]\nhost = \"https://b\"\n");
}

TEST_CASE("config edit: a file that cannot be edited on one line is left alone, with the reason") {
    // An inline table, dotted keys, a multi-line value, a duplicate (not TOML), a line holding more.
    CHECK(refusal("default = { host = \"a\" }\n", "host", "https://b") ==
          "f.toml:1: [default] is written as an inline table (default = { ... }), which is not edited line by line: "
          "the file is left as it is; change it by hand");
    CHECK(refusal("default.host = \"a\"\n", "bot_id", "st-1") ==
          "f.toml: the settings of 'default' are not under a [default] line: the file is left as it is; change it by hand");
    CHECK(refusal("[default]\njwt_sub = \"\"\"a\nb\"\"\"\n", "jwt_sub", "c") ==
          "f.toml:2: jwt_sub spans lines 2 to 3: the file is left as it is; change it by hand");
    CHECK(refusal("[default]\nhost = \"a\"\nhost = \"b\"\n", "host", "https://c")
              .starts_with("f.toml:3:8: Error while parsing key-value pair: cannot redefine existing string 'host'"));
    CHECK(refusal("[default]\nhost = \"a\"\nhost = \"b\"\n", "host", "https://c")
              .ends_with(": the file is left as it is; fix it by hand first"));
    CHECK(refusal("[default]\nhost = [\"a\"]\n", "host", "https://c") ==
          "f.toml:2: the line of host holds more than `host = value # comment`: the file is left as it is; change it by hand");
    CHECK(refusal("[default]\n[default]\n", "host", "h").starts_with("f.toml:2:"));
    CHECK(refusal("[default]\nhost = \"a\" \x01\n", "host", "h").starts_with("f.toml:2:"));
    CHECK(refusal("[default]\nh\xC3\xA9 = 1\n", "host", "h") ==
          "f.toml:2:2: non-ASCII text outside a comment or a quoted value: the file is left as it is; fix it by hand first");
    // A profile name that is not a bare key is refused before anything.
    const SettingChange change{"host", "h"};
    auto r = edit_profile_text("", "f.toml", "a]b", {&change, 1});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::invalid_input);
    CHECK(r.error().message == "profile 'a]b': a profile name is letters, digits, '_' and '-'");
}

TEST_CASE("config edit: keys and values are checked as loading checks them") {
    CHECK(find_setting("host").ok());
    CHECK((*find_setting("client-secret"))->key == "client_secret");
    auto typo = find_setting("hots");
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.error().kind == ErrorKind::invalid_input);
    CHECK(typo.error().message == "unknown setting 'hots'; did you mean host?");
    CHECK(find_setting("favourite_colour").error().message.starts_with("unknown setting 'favourite_colour'; the keys are: host, "));

    const auto problem = [](const char* key, const std::string& value) {
        auto ok = check_setting_value(**find_setting(key), value);
        REQUIRE_FALSE(ok.ok());
        CHECK(ok.error().kind == ErrorKind::invalid_input);
        return ok.error().message;
    };
    CHECK(check_setting_value(**find_setting("jwt_ttl"), "7200").ok());
    CHECK(problem("jwt_ttl", "5") == "bad jwt_ttl '5' (from the command line): expected a whole number from 120 to 86400");
    CHECK(problem("output", "xml") == "bad output 'xml' (from the command line): expected one of json, jsonl, csv, yaml, table, text");
    const auto control = "bot_id: the value holds a control character (a line break, a tab, a NUL): a setting is one line of text";
    CHECK(problem("bot_id", std::string("st-1\0x", 6)) == control);
    CHECK(problem("bot_id", "st-1\nhost = \"https://evil\"") == control);
    CHECK(problem("bot_id", "st-1\r") == control);
}

TEST_CASE("config edit: files are replaced whole, keep their mode, and new ones are private") {
    const auto dir = test::temp_dir() + "/new/ccai";
    const auto path = dir + "/config.toml";
    const SettingChange host{"host", "https://h"};
    REQUIRE(edit_settings_file(path, "default", {&host, 1}, false).ok());
    CHECK(slurp(path) == "[default]\nhost = \"https://h\"\n");
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(dir) == 0700);
    // The mode a user chose stays.
    ::chmod(path.c_str(), 0640);
    const SettingChange bot{"bot_id", "st-1"};
    auto changed = edit_settings_file(path, "default", {&bot, 1}, false);
    REQUIRE(changed.ok());
    CHECK(*changed);
    CHECK(mode_of(path) == 0640);
    CHECK(slurp(path) == "[default]\nhost = \"https://h\"\nbot_id = \"st-1\"\n");
    // No temporary file is left next to it: only the lock file that parallel edits take turns on.
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 2);
    CHECK(mode_of(path + ".lock") == 0600);
    // Removing what is not there changes nothing, and creates no file.
    const SettingChange none{"org_id", std::nullopt};
    CHECK_FALSE(*edit_settings_file(path, "default", {&none, 1}, false));
    CHECK_FALSE(*edit_settings_file(dir + "/credentials", "default", {&none, 1}, true));
    CHECK_FALSE(std::filesystem::exists(dir + "/credentials"));
    // The same value again: nothing written.
    CHECK_FALSE(*edit_settings_file(path, "default", {&bot, 1}, false));
}

TEST_CASE("config edit: hostile files are refused and left as they are") {
    const auto dir = test::temp_dir();
    ::chmod(dir.c_str(), 0700);
    const SettingChange host{"host", "https://h"};
    const auto error = [&](const std::string& path, bool secrets = false) {
        auto r = edit_settings_file(path, "default", {&host, 1}, secrets);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::config);
        return r.error().message;
    };
    // A symbolic link is not written through (it could point anywhere).
    std::ofstream(dir + "/real.toml") << "[default]\n";
    std::filesystem::create_symlink(dir + "/real.toml", dir + "/link.toml");
    CHECK(error(dir + "/link.toml") == dir + "/link.toml is a symbolic link: ccai-cli does not write through one; change "
                                            "the file it points to by hand, or replace the link with a file");
    CHECK(slurp(dir + "/real.toml") == "[default]\n");
    // A FIFO: refused at once, not waited on.
    REQUIRE(::mkfifo((dir + "/fifo.toml").c_str(), 0600) == 0);
    CHECK(error(dir + "/fifo.toml") == dir + "/fifo.toml is a FIFO: it must be a regular file");
    // A directory.
    std::filesystem::create_directory(dir + "/d.toml");
    CHECK(error(dir + "/d.toml") == dir + "/d.toml is a directory: it must be a regular file");
    // Credentials others can read.
    std::ofstream(dir + "/credentials") << "[default]\n";
    ::chmod((dir + "/credentials").c_str(), 0644);
    CHECK(error(dir + "/credentials", true) ==
          dir + "/credentials is readable by group or others (mode 644); run: chmod 600 " + dir + "/credentials");
    // A directory others can write to: they could swap the file.
    const auto open_dir = test::temp_dir();
    ::chmod(open_dir.c_str(), 0777);
    CHECK(error(open_dir + "/config.toml") ==
          open_dir + " can be written by group or others (mode 777); run: chmod 700 " + open_dir);
    CHECK_FALSE(std::filesystem::exists(open_dir + "/config.toml"));
    // The lock file beside it gets the same checks: no symbolic link, no FIFO.
    std::ofstream(dir + "/locked.toml") << "[default]\n";
    std::filesystem::create_symlink(dir + "/real.toml", dir + "/locked.toml.lock");
    CHECK(error(dir + "/locked.toml") ==
          dir + "/locked.toml.lock is a symbolic link: ccai-cli does not write through one; remove it");
    std::filesystem::remove(dir + "/locked.toml.lock");
    REQUIRE(::mkfifo((dir + "/locked.toml.lock").c_str(), 0600) == 0);
    CHECK(error(dir + "/locked.toml") == dir + "/locked.toml.lock is a FIFO: it must be a regular file; remove it");
    CHECK(slurp(dir + "/locked.toml") == "[default]\n");
    CHECK(slurp(dir + "/real.toml") == "[default]\n");
    // A huge file is not read whole.
    {
        std::ofstream big(dir + "/big.toml");
        big << "[default]\n";
        for (int i = 0; i < 40000; ++i) big << "# " << std::string(40, 'x') << "\n";
    }
    CHECK(error(dir + "/big.toml") == dir + "/big.toml: larger than 1 MiB, which no settings file is: it is not changed");
    // NUL in the file: not TOML, left alone.
    const char nul[] = "[default]\nhost = \"a\0b\"\n";
    std::ofstream(dir + "/nul.toml") << std::string(nul, sizeof nul - 1);
    const auto before = slurp(dir + "/nul.toml");
    CHECK(error(dir + "/nul.toml").ends_with("the file is left as it is; fix it by hand first"));
    CHECK(slurp(dir + "/nul.toml") == before);
}

TEST_CASE("config edit: a key=value word is refused without repeating the value") {
    const auto message = [](std::string_view word) {
        auto r = find_setting(word);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("hunter2") == std::string::npos);
        return r.error().message;
    };
    CHECK(message("client_secret=hunter2") ==
          "client_secret=...: give the key and the value separately; secrets are read from stdin or a prompt: "
          "ccai-cli config set client_secret");
    CHECK(message("client-secret=hunter2") ==
          "client_secret=...: give the key and the value separately; secrets are read from stdin or a prompt: "
          "ccai-cli config set client_secret");
    CHECK(message("bot_id=hunter2") == "bot_id=...: give the key and the value separately: ccai-cli config set bot_id VALUE");
    CHECK(message("hots=hunter2") ==
          "unknown setting 'hots' (the text after '=' is not shown); give the key and the value separately; did you "
          "mean host?");
}

TEST_CASE("config edit: a value must be valid UTF-8") {
    const auto bad = [](const std::string& value) {
        auto ok = check_setting_value(**find_setting("client_secret"), value);
        REQUIRE_FALSE(ok.ok());
        CHECK(ok.error().kind == ErrorKind::invalid_input);
        return ok.error().message;
    };
    const auto utf8 = "client_secret: the value is not valid UTF-8";
    CHECK(bad("\xC3\xA9\xFF") == utf8);     // é then a stray byte
    CHECK(bad("ab\xE2\x82") == utf8);        // cut inside a character
    CHECK(bad("\xC0\xAF") == utf8);          // an overlong '/'
    CHECK(bad("\xED\xA0\x80") == utf8);     // a surrogate
    CHECK(bad("\xF4\x90\x80\x80") == utf8);  // past U+10FFFF
    CHECK(check_setting_value(**find_setting("client_secret"), "s\xC3\xA9cr\xE2\x82\xACt\xF0\x9F\x94\x91").ok());
}

TEST_CASE("config edit: a new key of a profile goes after its own keys, not into a [profile.sub] table after it") {
    CHECK(edit("[default]\nhost = \"h\"\n\n[default.sub]\nx = 1\n", "bot_id", "st-1") ==
          "[default]\nhost = \"h\"\nbot_id = \"st-1\"\n\n[default.sub]\nx = 1\n");
    CHECK(edit("[default]\nhost = \"h\"\n[[default.list]]\nx = 1\n[[default.list]]\nx = 2\n", "bot_id", "st-1") ==
          "[default]\nhost = \"h\"\nbot_id = \"st-1\"\n[[default.list]]\nx = 1\n[[default.list]]\nx = 2\n");
    // An inline table is one of the profile's own lines.
    CHECK(edit("[default]\nhost = \"h\"\nt = { a = 1 }\n\n[other]\n", "bot_id", "st-1") ==
          "[default]\nhost = \"h\"\nt = { a = 1 }\nbot_id = \"st-1\"\n\n[other]\n");
}
