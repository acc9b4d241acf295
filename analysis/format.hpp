#pragma once

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

/// Number and text formats shared by the summaries, tables and pages chipsim prints.
namespace analysis {

/// A number for people, to about three significant digits: 1.25T, 3.40B, 12.00M, 950.0k, 42.
inline std::string human_number(double v) {
  std::array<char, 32> buf{};
  const double a = std::fabs(v);
  if (a >= 1e12)
    std::snprintf(buf.data(), buf.size(), "%.2fT", v / 1e12);
  else if (a >= 1e9)
    std::snprintf(buf.data(), buf.size(), "%.2fB", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf.data(), buf.size(), "%.2fM", v / 1e6);
  else if (a >= 1e3)
    std::snprintf(buf.data(), buf.size(), "%.1fk", v / 1e3);
  else
    std::snprintf(buf.data(), buf.size(), "%.0f", v);
  return buf.data();
}

/// A JSON string (RFC 8259); UTF-8 passes through. With `html_safe`, also safe inside an HTML
/// `<script>` element: `<`, `>` and `&` become \u escapes, so no text can close the element or
/// open a comment in it, and so do U+2028 and U+2029, which JavaScript source (unlike JSON)
/// does not allow in a string.
inline std::string json_string(std::string_view text, bool html_safe = false) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      std::array<char, 8> buf{};
      std::snprintf(buf.data(), buf.size(), "\\u%04x", static_cast<unsigned>(c));
      out += buf.data();
    } else if (html_safe && (c == '<' || c == '>' || c == '&')) {
      out += c == '<' ? "\\u003c" : c == '>' ? "\\u003e" : "\\u0026";
    } else if (html_safe &&
               (text.substr(i, 3) == "\xE2\x80\xA8" || text.substr(i, 3) == "\xE2\x80\xA9")) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace analysis
