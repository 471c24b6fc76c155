// A sem_t used as a mutex among 4 threads (initialised to 1, each thread
// waits then posts it around its critical section, which sleeps so the
// others block), and beside it a work-queue semaphore (a producer posts
// items one by one, a consumer waits for each). The first's waits are lock
// contention, the second's waiting for work. Prints the tallies and both
// semaphores' addresses.
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { kThreads = 4, kItems = 100 };

static sem_t guard, items;
static long counter;
static int rounds;

static void* locker(void* arg) {
    (void)arg;
    for (int i = 0; i < rounds; ++i) {
        sem_wait(&guard);
        long seen = counter;
        usleep(50);  // held while sleeping: the others find it at 0 and block
        counter = seen + 1;
        sem_post(&guard);
    }
    return NULL;
}

static void* producer(void* arg) {
    (void)arg;
    for (int i = 0; i < kItems; ++i) {
        usleep(300);  // slower than the consumer: it waits for each item
        sem_post(&items);
    }
    return NULL;
}

int main(int argc, char** argv) {
    rounds = argc > 1 ? atoi(argv[1]) : 200;
    sem_init(&guard, 0, 1);
    sem_init(&items, 0, 0);
    pthread_t threads[kThreads], feeder;
    for (int i = 0; i < kThreads; ++i) pthread_create(&threads[i], NULL, locker, NULL);
    for (int i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
    pthread_create(&feeder, NULL, producer, NULL);
    int consumed = 0;
    for (int i = 0; i < kItems; ++i) consumed += sem_wait(&items) == 0;
    pthread_join(feeder, NULL);
    printf("counter %ld of %d consumed %d guard %p items %p\n", counter, kThreads * rounds, consumed, (void*)&guard,
           (void*)&items);
    sem_destroy(&guard);
    sem_destroy(&items);
    return 0;
}
