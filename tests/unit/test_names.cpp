// Function names: Rust demangling (v0 and legacy) and the simplified names
// the text and HTML views show (issue 19). The mangled names are real ones,
// from a rustc 1.95 build of a small program in each scheme; the C++ names
// are from nm -C of libstdc++.so.6, the workloads and the test programs.
#include <catch2/catch.hpp>

#include "../../analyzer/symbols/demangle.h"
#include "../../analyzer/symbols/name_simplify.h"

using namespace analyzer;

TEST_CASE("names: Rust v0 symbols are demangled", "[names][unit]") {
    CHECK(demangle_symbol("_RNvCskK7mfDs1mzF_1m5count") == "m::count");
    CHECK(demangle_symbol("_RNCNvCskK7mfDs1mzF_1m4main0B3_") == "m::main::{closure#0}");
    CHECK(demangle_symbol("_RNvMNtNtCsgEmfK2I1SDS_4core3ptr7mut_ptrOh3addCsjrHSEGnQ3l9_3std") == "<*mut u8>::add");
    CHECK(demangle_symbol("_RINvNtC3std3mem8align_ofdE") == "std::mem::align_of::<f64>");  // the v0 RFC's example
    CHECK(demangle_symbol("_RNvNtNtCsjrHSEGnQ3l9_3std9panicking11panic_count17is_zero_slow_path") ==
          "std::panicking::panic_count::is_zero_slow_path");
}

TEST_CASE("names: Rust legacy symbols are demangled without their hash", "[names][unit]") {
    // The C++ demangler accepts these too, and would keep "::h5842b25209a93469".
    CHECK(demangle_symbol("_ZN1m5count17h5842b25209a93469E") == "m::count");
    CHECK(demangle_symbol("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h168e94e611939a97E") ==
          "std::rt::lang_start::{{closure}}");
    CHECK(demangle_symbol("_ZN79_$LT$hashbrown..raw..RawTable$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$"
                          "4drop17h0edbc17803895a3bE") == "<hashbrown::raw::RawTable<T,A> as core::ops::drop::Drop>::drop");
}

TEST_CASE("names: C++ and C symbols demangle as before", "[names][unit]") {
    CHECK(demangle_symbol("_Z8readbytei") == "readbyte(int)");
    CHECK(demangle_symbol("_ZN3Foo3barEv.cold") == "Foo::bar() [clone .cold]");
    CHECK(demangle_symbol("_ZZ4mainENKUliE_clEi") == "main::{lambda(int)#1}::operator()(int) const");
    CHECK(demangle_symbol("malloc") == "malloc");
    CHECK(demangle_symbol("__GI___libc_read") == "__GI___libc_read");
    CHECK(demangle_symbol("_Z") == "_Z");    // not a whole name: kept as it is
    CHECK(demangle_symbol("_R") == "_R");
    CHECK(demangle_symbol("") == "");
}

TEST_CASE("names: C++ names are simplified: templates <…>, parameters (), no return type", "[names][unit]") {
    const std::pair<const char*, const char*> cases[] = {
        // the mandelbrot thread site: which lambda the template runs stays
        {"start<thread_per_task<render_row_per_thread(Image&)::<lambda(size_t)> >(size_t, "
         "render_row_per_thread(Image&)::<lambda(size_t)>)::<lambda()> >",
         "start<thread_per_task<render_row_per_thread()::<lambda>>()::<lambda>>"},
        {"std::thread::_State_impl<std::thread::_Invoker<std::tuple<render_workers(Image&, int)::{lambda()#1}> > >::_M_run()",
         "std::thread::_State_impl<std::thread::_Invoker<std::tuple<render_workers()::{lambda#1}>>>::_M_run()"},
        {"readbyte(int)", "readbyte()"},
        {"BufferedReader::read(char*, unsigned long) [clone .isra.0] [clone .cold]", "BufferedReader::read()"},
        {"void std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_construct<char const*>"
         "(char const*, char const*, std::forward_iterator_tag) [clone .isra.0]",
         "std::__cxx11::basic_string<…>::_M_construct<…>()"},
        {"std::unique_ptr<std::thread::_State, std::default_delete<std::thread::_State> >::~unique_ptr()",
         "std::unique_ptr<…>::~unique_ptr()"},
        {"void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>(__gnu_cxx::__normal_iterator<int*, "
         "std::vector<int, std::allocator<int> > >, int const&)",
         "std::vector<…>::_M_realloc_insert<…>()"},
        {"std::istream& std::istream::_M_extract<unsigned int>(unsigned int&)", "std::istream::_M_extract<…>()"},
        {"std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::substr[abi:cxx11]"
         "(unsigned long, unsigned long) const",
         "std::__cxx11::basic_string<…>::substr()"},
        // operators: their < > ( ) are not brackets
        {"std::ostream::operator<<(unsigned short)", "std::ostream::operator<<()"},
        {"Foo::operator<(Foo const&)", "Foo::operator<()"},
        {"Foo::operator<=>(Foo const&) const", "Foo::operator<=>()"},
        {"Foo::operator->() const", "Foo::operator->()"},
        {"std::hash<long double>::operator()(long double) const", "std::hash<…>::operator()"},
        {"std::map<int, int, std::less<int>, std::allocator<std::pair<int const, int> > >::operator[](int const&)",
         "std::map<…>::operator[]()"},
        {"std::basic_ostream<wchar_t, std::char_traits<wchar_t> >& std::operator<< <wchar_t, std::char_traits<wchar_t> >"
         "(std::basic_ostream<wchar_t, std::char_traits<wchar_t> >&, char const*)",
         "std::operator<< <…>()"},
        {"std::istream::operator>>(std::basic_ios<char, std::char_traits<char> >& (*)(std::basic_ios<char, "
         "std::char_traits<char> >&))",
         "std::istream::operator>>()"},
        {"operator new(unsigned long)", "operator new()"},
        {"operator delete[](void*)", "operator delete[]()"},
        {"std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::operator "
         "std::basic_string_view<char, std::char_traits<char> >() const",
         "std::__cxx11::basic_string<…>::operator std::basic_string_view<…>()"},
        // lambdas and anonymous namespaces
        {"main::{lambda(int)#1}::operator()(int) const", "main::{lambda#1}::operator()"},
        {"(anonymous namespace)::foo()::{lambda()#1}::operator()() const",
         "(anonymous namespace)::foo()::{lambda#1}::operator()"},
        {"Foo::bar() const::{lambda()#1}::operator()() const", "Foo::bar()::{lambda#1}::operator()"},
        {"render_row_per_thread(Image&)::<lambda(size_t)>", "render_row_per_thread()::<lambda>"},
        // function pointers in template arguments
        {"void foo<void (*)(int)>(void (*)(int))", "foo<…>()"},
        {"std::function<void ()>::operator()() const", "std::function<…>::operator()"},
    };
    for (const auto& [full, simple] : cases) {
        INFO(full);
        CHECK(simplify_function_name(full) == simple);
    }
}

TEST_CASE("names: Rust names keep their qualified paths", "[names][unit]") {
    CHECK(simplify_function_name("<hashbrown::raw::RawTable<T,A> as core::ops::drop::Drop>::drop") ==
          "<hashbrown::raw::RawTable<…> as core::ops::drop::Drop>::drop");
    CHECK(simplify_function_name("<*mut u8>::add") == "<*mut u8>::add");
    CHECK(simplify_function_name("std::mem::align_of::<f64>") == "std::mem::align_of::<…>");
    CHECK(simplify_function_name("m::main::{closure#0}") == "m::main::{closure#0}");
    CHECK(simplify_function_name("std::rt::lang_start::{{closure}}") == "std::rt::lang_start::{{closure}}");
}

TEST_CASE("names: what is not a C++ signature is left alone", "[names][unit]") {
    for (const char* name : {"malloc", "readbyte", "__libc_start_call_main", "the whole process", "main thread",
                             "unbalanced<int", "f(int))", "int (*std::get_fn<int>())(int)"})
        CHECK(simplify_function_name(name) == name);
}

TEST_CASE("names: a described site keeps its place, only its function is simplified", "[names][unit]") {
    CHECK(simplify_site("readbyte(int) at workloads/words.cpp:31") == "readbyte() at workloads/words.cpp:31");
    CHECK(simplify_site("std::vector<int, std::allocator<int> >::push_back(int const&) at /usr/include/c++/12/x.h:7") ==
          "std::vector<…>::push_back() at /usr/include/c++/12/x.h:7");
    CHECK(simplify_site("Foo::bar(int) [clone .cold]+0x12 (libfoo.so)") == "Foo::bar()+0x12 (libfoo.so)");
    CHECK(simplify_site("operator new(unsigned long)+0x1c (libstdc++.so.6) [the runtime's own]") ==
          "operator new()+0x1c (libstdc++.so.6) [the runtime's own]");
    CHECK(simplify_site("Foo::operator+(Foo const&)+0x8 (libfoo.so)") == "Foo::operator+()+0x8 (libfoo.so)");
    for (const char* other : {"libfoo.so+0x1234", "0x7f0012345678", "the whole process", "the machine",
                              "the code that opens /tmp/a (deleted)", "main thread (tid 12)"})
        CHECK(simplify_site(other) == other);
}
