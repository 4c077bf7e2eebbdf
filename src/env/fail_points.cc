#include "env/fail_points.h"

namespace pg2iceberg {

FailPoints& InertFailPoints() {
  static NoFailPoints inert;  // stateless, so sharing it is harmless
  return inert;
}

}  // namespace pg2iceberg
