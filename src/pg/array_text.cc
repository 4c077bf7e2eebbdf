// DecodeArrayText: the text form of arrays (array_out), as array_values.h describes it.
#include <string>
#include <vector>

#include "pg/array_values.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

bool EqualsNullWord(std::string_view token) {
  constexpr std::string_view kNull = "NULL";
  if (token.size() != kNull.size()) return false;
  for (size_t i = 0; i < token.size(); ++i) {
    if ((token[i] & ~0x20) != kNull[i]) return false;
  }
  return true;
}

// Characters array_out always quotes, so they never appear in an unquoted element.
bool NeedsQuotes(char c) {
  return c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || c == ' ' || c == '\t' ||
         c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A recursive-descent parser over one array's text. Borrows the text and the element column.
class TextArrayParser {
 public:
  TextArrayParser(std::string_view text, const ColumnSchema& element, ElementDecoder decode)
      : text_(text), element_(element), decode_(decode) {}

  Result<Value> Parse() {
    ASSIGN_OR_RETURN(const std::vector<size_t> declared, ParseDimensions());
    ASSIGN_OR_RETURN(Parsed parsed, ParseList(0));
    if (pos_ != text_.size()) return Malformed("text after the closing brace");
    if (!declared.empty() && declared != parsed.dims) {
      return Malformed("the dimension prefix does not match the elements");
    }
    return std::move(parsed.list);
  }

 private:
  struct Parsed {
    Value list;
    std::vector<size_t> dims;  // this list's size, then its sub-lists' (all equal)
  };

  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  Status Malformed(std::string_view detail) const {
    return Status::DataLoss("malformed text array: " + std::string(detail) + " at character " +
                            std::to_string(pos_ + 1));
  }

  // "[lb:ub]" once per dimension, then "="; an empty vector when there is no prefix.
  Result<std::vector<size_t>> ParseDimensions() {
    std::vector<size_t> dims;
    while (Consume('[')) {
      if (dims.size() == static_cast<size_t>(change::kMaxListDepth)) {
        return Malformed("more than " + std::to_string(change::kMaxListDepth) + " dimensions");
      }
      ASSIGN_OR_RETURN(const int64_t lower, ParseBound());
      if (!Consume(':')) return Malformed("expected ':' in the dimension prefix");
      ASSIGN_OR_RETURN(const int64_t upper, ParseBound());
      if (!Consume(']')) return Malformed("expected ']' in the dimension prefix");
      if (upper < lower) return Malformed("empty dimension in the prefix");
      dims.push_back(static_cast<size_t>(upper - lower + 1));
    }
    if (!dims.empty() && !Consume('=')) return Malformed("expected '=' after the dimensions");
    return dims;
  }

  // An int32 bound: optional '-', then decimal digits.
  Result<int64_t> ParseBound() {
    const bool negative = Consume('-');
    int64_t value = 0;
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      value = value * 10 + (text_[pos_++] - '0');
      if (value > (int64_t{1} << 31)) return Malformed("dimension bound out of range");
    }
    if (pos_ == start) return Malformed("expected a dimension bound");
    return negative ? -value : value;
  }

  // `depth`: how many lists enclose this one.
  Result<Parsed> ParseList(int depth) {
    if (depth >= change::kMaxListDepth) {
      return Malformed("more than " + std::to_string(change::kMaxListDepth) + " dimensions");
    }
    if (!Consume('{')) return Malformed("expected '{'");
    Parsed out{.list = Value::List({}), .dims = {}};
    if (Consume('}')) {
      if (depth > 0) return Malformed("empty sub-array");
      out.dims = {0};
      return out;
    }
    const bool nested = Peek('{');
    std::vector<size_t> inner;
    do {
      if (nested) {
        ASSIGN_OR_RETURN(Parsed sub, ParseList(depth + 1));
        if (!out.list.elements.empty() && sub.dims != inner) {
          return Malformed("sub-arrays of different sizes");
        }
        inner = std::move(sub.dims);
        out.list.elements.push_back(std::move(sub.list));
      } else {
        ASSIGN_OR_RETURN(Value element, ParseElement());
        out.list.elements.push_back(std::move(element));
      }
    } while (Consume(','));
    if (!Consume('}')) return Malformed("expected ',' or '}'");
    out.dims = {out.list.elements.size()};
    out.dims.insert(out.dims.end(), inner.begin(), inner.end());
    return out;
  }

  Result<Value> ParseElement() {
    ++position_;
    if (Peek('"')) {
      ASSIGN_OR_RETURN(const std::string element, ParseQuoted());
      return Decode(element);
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}') {
      if (NeedsQuotes(text_[pos_])) return Malformed("unquoted element with a special character");
      ++pos_;
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    if (token.empty()) return Malformed("empty unquoted element");
    if (EqualsNullWord(token)) return Value::Null();
    return Decode(token);
  }

  // A double-quoted element without its quotes, each '\x' read as 'x'.
  Result<std::string> ParseQuoted() {
    ++pos_;  // the opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && ++pos_ == text_.size()) break;
      out.push_back(text_[pos_++]);
    }
    if (!Consume('"')) return Malformed("unterminated quoted element");
    return out;
  }

  Result<Value> Decode(std::string_view element_text) {
    Result<Value> value = decode_(element_, AsBytes(element_text), false);
    if (value.ok()) return value;
    return value.status().WithContext("array element " + std::to_string(position_));
  }

  std::string_view text_;
  const ColumnSchema& element_;
  ElementDecoder decode_;
  size_t pos_ = 0;
  size_t position_ = 0;  // of the element last read, from 1
};

}  // namespace

Result<Value> DecodeArrayText(std::string_view text, const ColumnSchema& element,
                              ElementDecoder decode_element) {
  return TextArrayParser(text, element, decode_element).Parse();
}

}  // namespace pg2iceberg::pg
