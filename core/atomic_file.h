#pragma once
// Every file splitleak writes goes through here, so that a reader (or a run killed mid-write)
// sees the old file or the new one, never a torn one, and so that nothing but a regular file is
// ever replaced: a temporary beside the target, written, flushed, then renamed over it.
// Errors name the path and report errno as it is. docs/hardening.md.
#include <string>

namespace splitleak {

// Error (bad input) when `path` exists and is not a regular file (a device, a FIFO, a directory,
// a socket, or a link to one): renaming over it would replace it. `what` names the path in the
// message (an option such as "--output"), or the path itself when empty.
void check_output_target(const std::string& path, const std::string& what = "");
// Why check_output_target would refuse `path` ("is a FIFO, not a regular file: ..."), or "".
std::string output_target_problem(const std::string& path);

// One atomic replacement of `path`: the temporary beside it is created at construction (after
// check_output_target), whoever writes it (this class, HDF5, an encoder) writes there, and
// commit() renames it over the target. Destroyed without a commit, it removes the temporary.
class AtomicOutput {
 public:
  // Throws Error (bad input) when the target is refused or the temporary cannot be created.
  explicit AtomicOutput(std::string path, std::string what = "");
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& temporary() const { return temporary_; }
  const std::string& what() const { return what_; }
  // Writes `content` to the temporary (replacing what it held), flushed to the disk. Throws Error
  // (a failure, exit 1) naming the path and errno (ENOSPC: "No space left on device").
  void write(const std::string& content);
  // Renames the temporary over the target, checking the target's kind again just before.
  void commit();

 private:
  std::string path_, what_, temporary_;
  bool committed_ = false;
};

// write + commit: Error (bad input) when the target is refused or cannot be created, a failure
// (exit 1) when the write or the rename fails (disk full); the temporary is removed either way.
void write_file_atomically(const std::string& path, const std::string& content, const std::string& what = "");

}  // namespace splitleak
