// An SVG flame graph drawn from folded stacks: the root at the bottom, each
// frame as wide as its share of the total, children sorted by name (like
// flamegraph.pl). Self-contained: no scripts, fonts or links.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

#include "flame.h"
#include "html_parts.h"
#include "../text/format.h"

namespace analyzer {
namespace {

constexpr double kWidth = 1200, kMargin = 10, kFrameHeight = 16, kTitleHeight = 40;
constexpr double kFontSize = 12, kCharWidth = 0.6 * kFontSize;  // monospace advance
constexpr double kMinFrameWidth = 0.1;  // narrower frames are invisible: skipped

struct Node {
    std::string name;
    uint64_t value = 0;
    std::map<std::string, size_t> index;  // child name -> position in children
    std::vector<Node> children;
};

Node build_tree(const std::vector<FoldedStack>& stacks) {
    Node root;
    root.name = "all";
    for (const FoldedStack& stack : stacks) {
        root.value += stack.weight;
        Node* node = &root;
        for (const std::string& frame : stack.frames) {
            auto found = node->index.find(frame);
            if (found == node->index.end()) {
                found = node->index.emplace(frame, node->children.size()).first;
                node->children.push_back(Node{frame, 0, {}, {}});
            }
            node = &node->children[found->second];
            node->value += stack.weight;
        }
    }
    return root;
}

size_t depth_of(const Node& node) {
    size_t deepest = 0;
    for (const Node& child : node.children) deepest = std::max(deepest, depth_of(child));
    return deepest + 1;
}


// flamegraph.pl's "hot" palette, picked by the name so colours are stable.
std::string colour(const std::string& name) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : name) h = (h ^ c) * 16777619u;
    char buf[32];
    snprintf(buf, sizeof buf, "rgb(%u,%u,%u)", 205 + h % 51, (h >> 8) % 231, (h >> 16) % 56);
    return buf;
}

// As much of the name as fits in `width` pixels, ".." marking the cut.
std::string label(const std::string& name, double width) {
    size_t fits = width > 2 * kCharWidth ? size_t((width - 4) / kCharWidth) : 0;
    if (fits < 3) return "";
    if (name.size() <= fits) return name;
    size_t keep = fits - 2;
    while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;  // whole UTF-8 characters
    return name.substr(0, keep) + "..";
}

class Painter {
public:
    Painter(std::ostream& out, double total, double bottom, const std::function<std::string(uint64_t)>& amount)
        : out_(out), scale_((kWidth - 2 * kMargin) / total), bottom_(bottom), total_(total), amount_(amount) {}

    void draw(const Node& node, double x, size_t depth) {
        double width = double(node.value) * scale_;
        if (width < kMinFrameWidth) return;
        double y = bottom_ - double(depth + 1) * kFrameHeight;
        char geometry[160];
        snprintf(geometry, sizeof geometry, "x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"", x, y, width,
                 kFrameHeight - 1);
        out_ << "<g><title>" << html_escape(node.name) << " (" << html_escape(amount_(node.value)) << ", "
             << percent(double(node.value), total_) << ")</title><rect " << geometry << " rx=\"2\" fill=\""
             << colour(node.name) << "\"/>";
        std::string text = label(node.name, width);
        if (!text.empty()) {
            char at[64];
            snprintf(at, sizeof at, "x=\"%.2f\" y=\"%.1f\"", x + 3, y + kFrameHeight - 4.5);
            out_ << "<text " << at << ">" << html_escape(text) << "</text>";
        }
        out_ << "</g>\n";
        std::vector<const Node*> sorted;
        for (const Node& child : node.children) sorted.push_back(&child);
        std::sort(sorted.begin(), sorted.end(), [](const Node* a, const Node* b) { return a->name < b->name; });
        for (const Node* child : sorted) {
            draw(*child, x, depth + 1);
            x += double(child->value) * scale_;
        }
    }

private:
    std::ostream& out_;
    double scale_, bottom_, total_;
    const std::function<std::string(uint64_t)>& amount_;
};

// The whole graph. `id` empty: a file of its own, at its natural size; else
// inline in a page, which sizes it, with styles that reach only this graph.
void write_svg(const std::vector<FoldedStack>& stacks, const std::string& title,
               const std::function<std::string(uint64_t)>& amount, const std::string& id, std::ostream& out) {
    Node root = build_tree(stacks);
    size_t depth = root.value > 0 ? depth_of(root) : 1;
    double height = kTitleHeight + double(depth) * kFrameHeight + kMargin;
    char size[160];
    if (id.empty())
        snprintf(size, sizeof size, "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\"", kWidth, height, kWidth,
                 height);
    else
        snprintf(size, sizeof size, "viewBox=\"0 0 %.0f %.0f\"", kWidth, height);
    // HTML needs no namespace on an inline <svg> (and a report names no URL).
    if (id.empty())
        out << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" " << size << ">\n";
    else
        out << "<svg id=\"" << html_escape(id) << "\" class=\"flame-svg\" " << size << ">\n";
    // Inside a page a <style> applies to the whole page: scoped to the graph.
    std::string scope = id.empty() ? "" : "#" + id + " ";
    out << "<style>" << scope << "text { font-family: monospace; font-size: " << kFontSize
        << "px; fill: #000; pointer-events: none; } " << scope << ".title { font-size: 17px; }";
    if (!id.empty()) out << " #" << id << " { display: block; width: 100%; height: auto; } " << scope << "g:hover rect { stroke: #1f2328; }";
    out << "</style>\n";
    out << "<text class=\"title\" x=\"" << kWidth / 2 << "\" y=\"24\" text-anchor=\"middle\">" << html_escape(title)
        << "</text>\n";
    if (root.value == 0)
        out << "<text x=\"" << kMargin << "\" y=\"" << kTitleHeight + 12 << "\">no data</text>\n";
    else
        Painter(out, double(root.value), height - kMargin, amount).draw(root, kMargin, 0);
    out << "</svg>\n";
}

}  // namespace

void write_flame_svg(const std::vector<FoldedStack>& stacks, const std::string& title, const std::string& unit,
                     std::ostream& out) {
    std::function<std::string(uint64_t)> amount = [&unit](uint64_t value) { return with_commas(value) + " " + unit; };
    write_svg(stacks, title, amount, "", out);
}

void write_flame_svg(const std::vector<FoldedStack>& stacks, const std::string& title,
                     const std::function<std::string(uint64_t)>& amount, std::ostream& out) {
    write_svg(stacks, title, amount, "", out);
}

void write_flame_svg(const std::vector<FoldedStack>& stacks, const InlineFlameSvg& page, std::ostream& out) {
    write_svg(stacks, page.title, page.amount, page.id.empty() ? "flame-svg" : page.id, out);
}

}  // namespace analyzer
