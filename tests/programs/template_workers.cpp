// Threads whose start routines are two instantiations of one template: both
// names simplify to "worker<…>()" in the report, but they are different code
// and their thread groups must stay apart.
#include <pthread.h>

#include <cstdio>
#include <cstdlib>

template <typename T>
void* worker(void* result) {
    T* values = static_cast<T*>(malloc(64 * sizeof(T)));
    for (int i = 0; i < 64; ++i) values[i] = T(i);
    T sum = 0;
    for (int i = 0; i < 64; ++i) sum += values[i];
    free(values);
    *static_cast<T*>(result) = sum;
    return nullptr;
}

int main() {
    pthread_t threads[6];
    int ints[3];
    long longs[3];
    for (int i = 0; i < 3; ++i) {
        pthread_create(&threads[i], nullptr, worker<int>, &ints[i]);
        pthread_create(&threads[3 + i], nullptr, worker<long>, &longs[i]);
    }
    for (pthread_t& t : threads) pthread_join(t, nullptr);
    printf("%d %ld\n", ints[0], longs[0]);
    return 0;
}
