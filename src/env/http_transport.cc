#include "env/http_transport.h"

namespace pg2iceberg {

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

}  // namespace pg2iceberg
