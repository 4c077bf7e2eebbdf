// The XML scanner and escaping; the S3 documents built on them are in s3_xml_documents.cc.
#include "s3/s3_xml.h"

#include <charconv>

namespace pg2iceberg::s3 {
namespace {

Status Malformed(std::string_view what) {
  return Status::Internal("malformed S3 XML: " + std::string(what));
}

bool IsNameEnd(char c) {
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Decodes the body of "&#…;" (the text between "&#" and ';').
Result<uint32_t> NumericReference(std::string_view body) {
  int base = 10;
  if (!body.empty() && (body.front() == 'x' || body.front() == 'X')) {
    base = 16;
    body.remove_prefix(1);
  }
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value, base);
  const bool valid = !body.empty() && error == std::errc() && end == body.data() + body.size() &&
                     value != 0 && value <= 0x10FFFF && (value < 0xD800 || value > 0xDFFF);
  if (!valid) return Malformed("bad character reference \"&#" + std::string(body) + ";\"");
  return value;
}

// Appends the character that the entity `name` (between '&' and ';') stands for.
Status AppendEntity(std::string_view name, std::string& out) {
  if (name == "amp") {
    out.push_back('&');
  } else if (name == "lt") {
    out.push_back('<');
  } else if (name == "gt") {
    out.push_back('>');
  } else if (name == "quot") {
    out.push_back('"');
  } else if (name == "apos") {
    out.push_back('\'');
  } else if (name.starts_with('#')) {
    ASSIGN_OR_RETURN(const uint32_t code_point, NumericReference(name.substr(1)));
    AppendUtf8(code_point, out);
  } else {
    return Malformed("unknown entity \"&" + std::string(name) + ";\"");
  }
  return Status::Ok();
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Result<std::string> XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, amp - pos));
    const size_t semicolon = text.find(';', amp);
    if (semicolon == std::string_view::npos || semicolon - amp > 12) {
      return Malformed("unterminated entity in \"" + std::string(text) + "\"");
    }
    RETURN_IF_ERROR(AppendEntity(text.substr(amp + 1, semicolon - amp - 1), out));
    pos = semicolon + 1;
  }
  return out;
}

std::string_view XmlRootName(std::string_view xml) {
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    if (pos + 1 < xml.size() && xml[pos + 1] != '?' && xml[pos + 1] != '!') break;
    ++pos;
  }
  if (pos == std::string_view::npos) return {};
  size_t end = pos + 1;
  while (end < xml.size() && !IsNameEnd(xml[end])) ++end;
  return xml.substr(pos + 1, end - pos - 1);
}

Result<std::optional<std::string_view>> XmlElements::Next() {
  while (true) {
    const size_t open = xml_.find('<', pos_);
    if (open == std::string_view::npos) {
      pos_ = xml_.size();
      return std::optional<std::string_view>();
    }
    const size_t after_name = open + 1 + name_.size();
    if (xml_.substr(open + 1, name_.size()) != name_ || after_name >= xml_.size() ||
        !IsNameEnd(xml_[after_name])) {
      pos_ = open + 1;
      continue;
    }
    const size_t tag_end = xml_.find('>', after_name);
    if (tag_end == std::string_view::npos) return Malformed("unterminated <" + std::string(name_));
    if (xml_[tag_end - 1] == '/') {
      pos_ = tag_end + 1;
      return std::optional<std::string_view>(std::string_view());
    }
    const std::string close = "</" + std::string(name_) + ">";
    const size_t close_at = xml_.find(close, tag_end + 1);
    if (close_at == std::string_view::npos) return Malformed("no " + close);
    pos_ = close_at + close.size();
    return std::optional<std::string_view>(xml_.substr(tag_end + 1, close_at - tag_end - 1));
  }
}

Result<std::optional<std::string>> XmlFirstText(std::string_view xml, std::string_view name) {
  XmlElements elements(xml, name);
  ASSIGN_OR_RETURN(const std::optional<std::string_view> raw, elements.Next());
  if (!raw.has_value()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, XmlUnescape(*raw));
  return std::optional<std::string>(std::move(text));
}

}  // namespace pg2iceberg::s3
