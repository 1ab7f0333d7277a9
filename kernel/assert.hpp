#pragma once
/// VMSS_ASSERT(cond, what): an invariant that stays checked in release
/// builds (TigerBeetle's TIGER_STYLE: assertions are documentation that
/// runs). A broken invariant is a bug in vmss-sim, never bad user input:
/// user input is refused with an error before anything runs. On failure the
/// process prints the file, line, condition and `what` to stderr and aborts,
/// so that a run never goes on from a state the model says cannot happen.

namespace vmss::detail {

[[noreturn]] void assertion_failed(const char* file, int line,
                                   const char* condition, const char* what);

} // namespace vmss::detail

#define VMSS_ASSERT(cond, what)                                                \
  do {                                                                         \
    if (__builtin_expect(!(cond), 0))                                          \
      ::vmss::detail::assertion_failed(__FILE__, __LINE__, #cond, what);       \
  } while (false)
