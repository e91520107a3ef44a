// A small value-or-error type (std::expected arrives with C++23). Expected failures are values:
// a bad file, a socket error, a timeout. Bugs are RH_CHECKs, not errors.
#pragma once

#include <utility>
#include <variant>

#include "sim/check.h"

namespace rh::sim {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected<std::decay_t<E>> MakeUnexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <class T, class E>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <class G>
  Expected(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    RH_CHECK(has_value(), "Expected::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    RH_CHECK(has_value(), "Expected::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    RH_CHECK(has_value(), "Expected::value() on an error");
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    RH_CHECK(!has_value(), "Expected::error() on a value");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace rh::sim
