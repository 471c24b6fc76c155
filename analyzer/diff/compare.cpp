#include "compare.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace analyzer {
namespace {

const SummarySection* find_section(const RunSummary& run, const std::string& name) {
    for (const SummarySection& s : run.sections)
        if (s.name == name) return &s;
    return nullptr;
}

const Metric* find_metric(const SummaryRow* row, const std::string& name) {
    if (row == nullptr) return nullptr;
    for (const Metric& m : row->metrics)
        if (m.name == name) return &m;
    return nullptr;
}

RowChange compare_rows(const std::string& key, const SummaryRow* before, const SummaryRow* after) {
    RowChange change;
    change.key = key;
    change.in_before = before != nullptr;
    change.in_after = after != nullptr;
    // Metric names in the order the first run that has the row lists them.
    std::vector<const Metric*> order;
    for (const SummaryRow* row : {before, after})
        if (row != nullptr)
            for (const Metric& m : row->metrics)
                if (std::none_of(order.begin(), order.end(), [&](const Metric* o) { return o->name == m.name; }))
                    order.push_back(&m);
    for (const Metric* m : order) {
        const Metric* b = find_metric(before, m->name);
        const Metric* a = find_metric(after, m->name);
        if (m->needs_both && (b == nullptr || a == nullptr)) continue;
        change.metrics.push_back(MetricChange{m->name, m->unit, b ? b->value : 0, a ? a->value : 0});
    }
    return change;
}

double size_of(const RowChange& row) {
    if (row.metrics.empty()) return 0;
    return std::max(row.metrics[0].before, row.metrics[0].after);
}

double change_of(const RowChange& row) {
    if (row.metrics.empty()) return 0;
    return std::fabs(row.metrics[0].after - row.metrics[0].before);
}

SectionChange compare_sections(const SummarySection& model, const SummarySection* before,
                               const SummarySection* after) {
    SectionChange section;
    section.name = model.name;
    section.title = model.title;
    std::vector<std::string> keys;
    std::map<std::string, const SummaryRow*> rows_before, rows_after;
    for (auto side : {std::make_pair(before, &rows_before), std::make_pair(after, &rows_after)}) {
        if (side.first == nullptr) continue;
        for (const SummaryRow& row : side.first->rows) {
            if (rows_before.count(row.key) == 0 && rows_after.count(row.key) == 0) keys.push_back(row.key);
            (*side.second)[row.key] = &row;
        }
    }
    for (const std::string& key : keys) {
        auto b = rows_before.find(key), a = rows_after.find(key);
        RowChange row = compare_rows(key, b == rows_before.end() ? nullptr : b->second,
                                     a == rows_after.end() ? nullptr : a->second);
        if (!row.metrics.empty()) section.rows.push_back(std::move(row));
    }
    if (model.by_change)  // equal changes: the bigger row first
        std::stable_sort(section.rows.begin(), section.rows.end(), [](const RowChange& x, const RowChange& y) {
            if (change_of(x) != change_of(y)) return change_of(x) > change_of(y);
            return size_of(x) > size_of(y);
        });
    else if (model.ranked)
        std::stable_sort(section.rows.begin(), section.rows.end(),
                         [](const RowChange& x, const RowChange& y) { return size_of(x) > size_of(y); });
    return section;
}

}  // namespace

bool MetricChange::relative_change(double& change) const {
    if (before == 0) return false;
    change = (after - before) / before;
    return true;
}

RunDiff diff_runs(const RunSummary& before, const RunSummary& after) {
    RunDiff diff;
    diff.before_run = before;
    diff.after_run = after;
    diff.before_run.sections.clear();  // the views read the changes below, not these
    diff.after_run.sections.clear();
    // Sections in the order the summaries list them; one run may lack some.
    std::vector<const SummarySection*> models;
    for (const RunSummary* run : {&before, &after})
        for (const SummarySection& s : run->sections)
            if (std::none_of(models.begin(), models.end(), [&](const SummarySection* m) { return m->name == s.name; }))
                models.push_back(&s);
    for (const SummarySection* model : models)
        diff.sections.push_back(
            compare_sections(*model, find_section(before, model->name), find_section(after, model->name)));
    return diff;
}

}  // namespace analyzer
