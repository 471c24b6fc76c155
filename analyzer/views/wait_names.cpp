#include "wait_names.h"

#include "../analysis/wait_objects.h"

namespace analyzer {
namespace {

// The word a reader expects before the object: the object's noun, "join"
// for a thread joined.
std::string kind_prefix(shimlog::WaitKind kind) {
    return kind == shimlog::WaitKind::Join ? "join" : wait_object_noun(kind);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

WaitNames::Key WaitNames::key_of(uint64_t object, shimlog::WaitKind kind) {
    if (kind == shimlog::WaitKind::RwWrite) kind = shimlog::WaitKind::RwRead;
    return {object, static_cast<int>(kind)};
}

WaitNames::WaitNames(const Log& log, CallSites& sites) : namer_(sites) {
    // Most wait time first, then most waits, then file order: as the waits section ranks sites.
    for (const WaitSite& site : log.waits.sites) {
        const WaitSite*& best = costliest_site_[key_of(site.object, site.kind)];
        if (best == nullptr || site.wait_ns > best->wait_ns || (site.wait_ns == best->wait_ns && site.waits > best->waits))
            best = &site;
    }
}

std::string WaitNames::name(uint64_t object, shimlog::WaitKind kind, uint32_t fallback_stack) {
    Key key = key_of(object, kind);
    auto cached = names_.find(key);
    if (cached != names_.end()) return cached->second;
    auto site = costliest_site_.find(key);
    uint32_t site_stack = site == costliest_site_.end() ? fallback_stack : site->second->stack_id;
    const std::vector<uint64_t>* stack = namer_.sites().log().stack(site_stack);
    if (stack == nullptr || stack->empty()) site_stack = 0;  // no site to name it by: its address
    std::string label = wait_object_label(object, kind, site_stack, namer_);
    std::string prefix = kind_prefix(kind);
    // Only the fallbacks start with the noun; a variable may be called "barrier".
    bool says_kind = kind != shimlog::WaitKind::Join && (starts_with(label, prefix + " first waited for at ") ||
                                                         starts_with(label, prefix + " at 0x"));
    std::string name = says_kind ? label : prefix + " " + label;
    names_.emplace(key, name);
    return name;
}

}  // namespace analyzer
