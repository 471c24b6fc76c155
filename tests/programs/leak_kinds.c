// Two kinds of memory left at a normal exit, 2 MiB each: a list a global
// still points at (kept on purpose until exit: not a leak) and blocks whose
// only pointer was overwritten (lost: a leak). The report must tell them apart.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 32
#define BLOCK_BYTES (64 * 1024)  // under malloc's mmap threshold: on the brk heap

struct node {
    struct node* next;
    char payload[BLOCK_BYTES - sizeof(struct node*)];
};

static struct node* g_kept;  // the list's head: everything on it stays reachable
static char* g_latest;       // the only pointer to each lost block, until the next

__attribute__((noinline)) static void keep_list(void) {
    for (int i = 0; i < BLOCKS; ++i) {
        struct node* n = malloc(sizeof *n);
        memset(n->payload, 'k', sizeof n->payload);
        n->next = g_kept;
        g_kept = n;
    }
}

__attribute__((noinline)) static void lose_blocks(void) {
    for (int i = 0; i < BLOCKS; ++i) {
        g_latest = malloc(BLOCK_BYTES);
        memset(g_latest, 'l', BLOCK_BYTES);  // no pointers inside
    }
    g_latest = NULL;
}

// Registers and dead stack slots may still hold the last lost pointer: a
// conservative scan of the stack would count it as a root.
__attribute__((noinline)) static unsigned long scrub_stack(void) {
    volatile char junk[16384];
    memset((char*)junk, 0, sizeof junk);
    return junk[100];
}

int main(void) {
    keep_list();
    lose_blocks();
    scrub_stack();
    unsigned long kept = 0;
    for (struct node* n = g_kept; n != NULL; n = n->next) kept++;
    printf("kept %lu blocks, lost %d\n", kept, BLOCKS);
    return 0;
}
