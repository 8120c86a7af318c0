// Every fuzz target's LLVMFuzzerTestOneInput: the target's fuzz_one_input() run on a thread with the
// stack of the proxy's workers (256 KiB, tests/support/worker_stack.hpp; one long-lived thread,
// the input handed over and waited for), under libFuzzer as under the corpus replay of the ctest
// fuzz.<name>. On the main thread's 8 MiB a recursion over client or upstream bytes that kills a
// worker (the gemini schema's 1,000 chained $refs did) goes unseen.
#include "fuzz_support.hpp"
#include "worker_stack.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  int rc = 0;
  // Never destroyed: the thread waits on the worker's condition variable until the process ends.
  static auto* worker = new test_support::WorkerThread();
  worker->run([&] {
    // Once: the limit must really apply to the code under test (a thread library or sanitizer
    // runtime that silently gave a bigger stack would make the whole stage prove nothing).
    static const bool checked = [] {
      const size_t got = test_support::current_stack_bytes();
      if (got == 0 || got > test_support::kWorkerStackBytes + 64 * 1024)
        fuzz::fail("the fuzz input does not run on a worker-sized stack", std::to_string(got) + " bytes");
      return true;
    }();
    (void)checked;
    rc = fuzz_one_input(in);
  });
  return rc;
}
