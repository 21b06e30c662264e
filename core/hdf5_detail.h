#pragma once
// What hdf5_io.cpp and hdf5_rows.cpp share; only .cpp files that talk to HDF5 include it.
#include <H5Cpp.h>

#if defined(__SANITIZE_ADDRESS__)
#define SPLITLEAK_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPLITLEAK_LEAK_CHECKED 1
#endif
#endif
#ifdef SPLITLEAK_LEAK_CHECKED
#include <sanitizer/lsan_interface.h>
#endif

#include <map>
#include <memory>
#include <string>

namespace splitleak::h5::detail {

// Silences the HDF5 library's own error printing (once): errors surface as exceptions, and each
// failing call's system error is kept for failure().
void quiet();
// Error naming `path` when it is missing or not a readable HDF5 file.
H5::H5File open_for_read(const std::string& path);
// Why an HDF5 call failed: the system's own words (errno's message, "No space left on device")
// when a file driver reported them for the call that failed last, else the exception's message.
std::string failure(const H5::Exception& e);
// A new file at `path` (replacing one there) with dense attribute storage (no 64 KiB limit).
H5::H5File create_file(const std::string& path);
// Chunked (about 1 MiB of floats a chunk, whole rows), deflated and Fletcher-32 checksummed.
H5::DSetCreatPropList compressed_rows(const std::vector<hsize_t>& dims);
void write_attributes(H5::Group& group, const std::map<std::string, std::string>& attributes);

// After a failed write (a full disk), HDF5 cannot close the file's objects cleanly: closing them
// again, as the C++ wrappers' destructors do, crashes inside the library. A writer that failed
// abandons its objects here, never to be closed (their memory is kept; the process's exit skips
// the library's teardown, cli/main.cpp).
// The leak is deliberate: under LeakSanitizer the object is marked as such.
template <typename T>
void abandon(std::unique_ptr<T>& object) {
  T* kept = object.release();
#ifdef SPLITLEAK_LEAK_CHECKED
  if (kept) __lsan_ignore_object(kept);
#else
  (void)kept;
#endif
}
std::map<std::string, std::string> read_attributes(const H5::Group& group);

}  // namespace splitleak::h5::detail
