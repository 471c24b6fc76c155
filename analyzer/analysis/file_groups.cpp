#include "file_groups.h"

#include <string>
#include <utility>

namespace analyzer {

uint32_t FileGroups::of(uint32_t file_id) const {
    auto it = first_id.find(file_id);
    return it == first_id.end() ? file_id : it->second;
}

uint32_t FileGroups::opens_of(uint32_t first) const {
    auto it = opens.find(first);
    return it == opens.end() ? 1 : it->second;
}

FileGroups group_files(const Log& log) {
    FileGroups groups;
    std::map<std::pair<shimlog::FileKind, std::string>, uint32_t> by_name;
    for (const auto& [id, file] : log.files) {  // in id order: the first open first
        uint32_t first = id;
        if (!file.path.empty()) first = by_name.emplace(std::make_pair(file.kind, file.path), id).first->second;
        groups.first_id[id] = first;
        groups.opens[first]++;
    }
    return groups;
}

}  // namespace analyzer
