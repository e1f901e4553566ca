// Descriptors 0, 1 and 2, made safe before anything else is opened. A program started with one
// of them closed (`messageu pull >&-`) would hand that number to the next file it opens (the
// profile's lock, state.db) and then write its output into that file, or read a message to
// send out of it. make_safe() puts /dev/null in each closed place and remembers which were
// closed, so that reading `-` from a closed stdin and writing data to a closed stdout are
// refused as errors instead. A closed stderr only loses the diagnostics.
#pragma once

#include <messageu/util/result.hpp>

namespace messageu::cli::standard_streams {

// Opens /dev/null (read-only for 0, write-only for 1 and 2) in place of each closed standard
// descriptor and remembers which were closed. Call first thing in main, once. False when
// /dev/null cannot be opened: the program must not go on, since its next file would take the
// place of a standard stream.
bool make_safe();

// Whether make_safe() found the descriptor closed.
bool stdin_was_closed();
bool stdout_was_closed();

// For a command about to read `-`: Errc::file_not_found "standard input is closed" when it was.
Status require_stdin();
// For a command about to do what it must report on stdout: Errc::io_error "standard output is
// closed" when it was, so that it stops before doing something it could not report.
Status require_stdout();

} // namespace messageu::cli::standard_streams
