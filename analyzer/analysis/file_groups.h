// One file, however many times it was opened: the log has a File record per
// (descriptor, open), so a journal recreated 250 times is 250 ids. Ids with
// the same path and kind are one file here, named by its first id.
#pragma once
#include <cstdint>
#include <map>

#include "../model/model.h"

namespace analyzer {

struct FileGroups {
    std::map<uint32_t, uint32_t> first_id;  // file id -> the first id of its file
    std::map<uint32_t, uint32_t> opens;     // first id -> how many ids (opens) it has

    // The file's first id; an id without a File record stands for itself.
    uint32_t of(uint32_t file_id) const;
    uint32_t opens_of(uint32_t first) const;
};

// Pipes and sockets have unique names already ("pipe:[123]"); an empty path
// (untracked) is never merged.
FileGroups group_files(const Log& log);

}  // namespace analyzer
