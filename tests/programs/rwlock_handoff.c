// Contended rwlock waits both ways on every run: readers ask while a writer
// holds the lock, then a writer asks while a reader holds it. (waits_cases
// rwlock contends only when the scheduler preempts a holder: rarely on a
// busy 2-core machine.) Usage: rwlock_handoff
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int readers_go, reader_holds;

static void* blocked_reader(void* arg) {
    (void)arg;
    while (!atomic_load(&readers_go)) sched_yield();
    pthread_rwlock_rdlock(&table_lock);  // the writer holds it: a read wait
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

static void* holding_reader(void* arg) {
    (void)arg;
    pthread_rwlock_rdlock(&table_lock);
    atomic_store(&reader_holds, 1);
    usleep(20000);
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

int main(void) {
    pthread_t readers[2], holder;
    pthread_rwlock_wrlock(&table_lock);
    for (int i = 0; i < 2; ++i) pthread_create(&readers[i], NULL, blocked_reader, NULL);
    atomic_store(&readers_go, 1);
    usleep(20000);  // long enough for both readers to block
    pthread_rwlock_unlock(&table_lock);
    for (int i = 0; i < 2; ++i) pthread_join(readers[i], NULL);

    pthread_create(&holder, NULL, holding_reader, NULL);
    while (!atomic_load(&reader_holds)) sched_yield();
    pthread_rwlock_wrlock(&table_lock);  // a reader holds it: a write wait
    pthread_rwlock_unlock(&table_lock);
    pthread_join(holder, NULL);
    printf("rwlock handoff done\n");
    return 0;
}
