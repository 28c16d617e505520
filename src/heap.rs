//! A small memory allocator for the page builds (`wslab-reader`,
//! `wslab-handshake`, `wslab-uris`, `wslab-quiz`), a few hundred bytes of
//! code where the standard one (dlmalloc) costs every first load about 4 kB
//! gzip.
//!
//! Sizes are rounded up to a power of two from 16 bytes to 32 KiB, one
//! free list per size ("size classes"): a freed block waits on its list for
//! the next request of its size, so allocating and freeing take constant time
//! and nothing is ever searched. Blocks are cut from the top of the heap
//! aligned to their own size, so any alignment up to the size holds. Larger
//! requests take whole 64 KiB pages, and freed runs of pages are reused for
//! later large requests (first fit, the rest of a run kept). Memory is never
//! given back (WebAssembly memory cannot shrink) and a block never changes
//! size class: a page's working set settles into its classes, which is what
//! the short-lived pages these builds show need. The full build, whose live
//! page moves megabytes, keeps the standard allocator.
//!
//! The bookkeeping lives in [`Heap`], which gets its pages from a
//! [`Pages`] source: WebAssembly's `memory.grow` in the browser
//! ([`WasmHeap`]), a plain allocation in the tests.

use core::alloc::Layout;

/// WebAssembly's page size.
pub const PAGE: usize = 64 * 1024;
/// The smallest block.
const MIN_BLOCK: usize = 16;
/// The number of size classes: 16 B, 32 B, … 32 KiB.
const CLASSES: usize = 12;
/// The largest block a size class holds.
const MAX_CLASS_BLOCK: usize = MIN_BLOCK << (CLASSES - 1);

/// Where a heap's pages come from.
pub trait Pages {
    /// `count` more pages, contiguous, as the address of the first; the
    /// addresses are multiples of [`PAGE`]. None when there is no more memory.
    fn grow(&mut self, count: usize) -> Option<usize>;
}

/// The allocator's state: a free list per size class, a list of free runs
/// of pages, and the unused top of the heap.
pub struct Heap<P> {
    pages: P,
    /// The first free block of each class (0: none); each free block holds
    /// the address of the next.
    free: [usize; CLASSES],
    /// The first free run of pages (0: none); each holds the next run's
    /// address and its own length in bytes.
    runs: usize,
    /// The unused part of the last pages taken: `top..end`.
    top: usize,
    end: usize,
}

/// The size class of a block of `size` bytes (at least 1), if it has one.
fn class_of(size: usize) -> Option<usize> {
    if size > MAX_CLASS_BLOCK {
        return None;
    }
    let block = size.max(MIN_BLOCK).next_power_of_two();
    Some((block.trailing_zeros() - MIN_BLOCK.trailing_zeros()) as usize)
}

impl<P: Pages> Heap<P> {
    /// An empty heap over `pages`.
    pub const fn new(pages: P) -> Self {
        Heap {
            pages,
            free: [0; CLASSES],
            runs: 0,
            top: 0,
            end: 0,
        }
    }

    /// A block for `layout`, or null when memory is exhausted or the
    /// alignment is over a page.
    ///
    /// # Safety
    /// The heap's memory must be the caller's to write: pages from `P` that
    /// nothing else uses.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        if layout.align() > PAGE {
            return core::ptr::null_mut();
        }
        let size = layout.size().max(layout.align()).max(1);
        let Some(class) = class_of(size) else {
            return match size.checked_next_multiple_of(PAGE) {
                // SAFETY: as this function's.
                Some(bytes) => unsafe { self.take_run(bytes) },
                None => core::ptr::null_mut(),
            };
        };
        let head = self.free[class];
        if head != 0 {
            // SAFETY: a free block of this class holds the next one's address.
            self.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        self.cut(MIN_BLOCK << class)
    }

    /// Gives back a block [`alloc`](Self::alloc) returned for `layout`.
    ///
    /// # Safety
    /// `ptr` must come from this heap's `alloc` with this `layout`, and not
    /// be used again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        let size = layout.size().max(layout.align()).max(1);
        let at = ptr as usize;
        match class_of(size) {
            Some(class) => {
                // SAFETY: the block is ours again and at least a word long.
                unsafe { *(at as *mut usize) = self.free[class] };
                self.free[class] = at;
            }
            None => {
                let bytes = size.next_multiple_of(PAGE);
                // SAFETY: a run is at least a page long.
                unsafe { self.put_run(at, bytes) };
            }
        }
    }

    /// A new block of `block` bytes (a power of two up to 32 KiB) from the
    /// top of the heap, aligned to its size.
    fn cut(&mut self, block: usize) -> *mut u8 {
        let start = self.top.next_multiple_of(block);
        if start.checked_add(block).is_none_or(|end| end > self.end) {
            let Some(base) = self.pages.grow(1) else {
                return core::ptr::null_mut();
            };
            if base != self.end {
                // Not contiguous: the old top's remainder stays unused.
                self.top = base;
            }
            self.end = base + PAGE;
            return self.cut(block);
        }
        self.top = start + block;
        start as *mut u8
    }

    /// `bytes` (a multiple of a page) from a free run, or new pages.
    ///
    /// # Safety
    /// As [`alloc`](Self::alloc)'s.
    unsafe fn take_run(&mut self, bytes: usize) -> *mut u8 {
        let mut link: *mut usize = &mut self.runs;
        // SAFETY: every run on the list holds (next, length) at its start.
        unsafe {
            while *link != 0 {
                let run = *link;
                let next = *(run as *const usize);
                let len = *((run + size_of::<usize>()) as *const usize);
                if len >= bytes {
                    *link = next;
                    if len > bytes {
                        self.put_run(run + bytes, len - bytes);
                    }
                    return run as *mut u8;
                }
                link = run as *mut usize;
            }
        }
        match self.pages.grow(bytes / PAGE) {
            Some(base) => base as *mut u8,
            None => core::ptr::null_mut(),
        }
    }

    /// Puts a run of `bytes` free pages at `at` on the list.
    ///
    /// # Safety
    /// The run must be this heap's and unused.
    unsafe fn put_run(&mut self, at: usize, bytes: usize) {
        // SAFETY: as this function's; a run is at least a page long.
        unsafe {
            *(at as *mut usize) = self.runs;
            *((at + size_of::<usize>()) as *mut usize) = bytes;
        }
        self.runs = at;
    }
}

/// Pages from WebAssembly's `memory.grow`.
#[cfg(target_arch = "wasm32")]
pub struct MemoryGrow;

#[cfg(target_arch = "wasm32")]
impl Pages for MemoryGrow {
    fn grow(&mut self, count: usize) -> Option<usize> {
        let before = core::arch::wasm32::memory_grow(0, count);
        (before != usize::MAX).then(|| before * PAGE)
    }
}

/// The global allocator of a page build: a [`Heap`] over `memory.grow`.
/// Install it in a binary with `#[global_allocator]`.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub struct WasmHeap(core::cell::UnsafeCell<Heap<MemoryGrow>>);

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
impl WasmHeap {
    /// An empty heap.
    pub const fn new() -> Self {
        WasmHeap(core::cell::UnsafeCell::new(Heap::new(MemoryGrow)))
    }
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
impl Default for WasmHeap {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: without the atomics feature a wasm32 module runs on one thread,
// so the heap is never reached from two at once.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl Sync for WasmHeap {}

// SAFETY: `Heap` hands out each block once until it is freed, aligned as
// asked, within memory only it grows; one thread (see `Sync` above).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl core::alloc::GlobalAlloc for WasmHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one thread, and the allocator does not call itself.
        unsafe { (*self.0.get()).alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above; the caller gives back what `alloc` returned.
        unsafe { (*self.0.get()).dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size().max(layout.align()).max(1);
        let new = new_size.max(layout.align()).max(1);
        // The same block still fits when the class (or run length) is the same.
        let same = match (class_of(old), class_of(new)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => old.next_multiple_of(PAGE) == new.next_multiple_of(PAGE),
            _ => false,
        };
        if same {
            return ptr;
        }
        // SAFETY: as `GlobalAlloc::realloc`'s default, which this is otherwise.
        unsafe {
            let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
                return core::ptr::null_mut();
            };
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            moved
        }
    }
}

// Native only: proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Pages from one big page-aligned allocation, handed out in order.
    struct Arena {
        base: usize,
        used: usize,
        pages: usize,
    }

    impl Arena {
        fn new(pages: usize) -> Self {
            let layout = Layout::from_size_align(pages * PAGE, PAGE).unwrap();
            // SAFETY: a non-zero size; leaked on purpose (the tests are short).
            let base = unsafe { std::alloc::alloc(layout) } as usize;
            assert_ne!(base, 0);
            Arena {
                base,
                used: 0,
                pages,
            }
        }
    }

    impl Pages for Arena {
        fn grow(&mut self, count: usize) -> Option<usize> {
            (self.used + count <= self.pages).then(|| {
                let at = self.base + self.used * PAGE;
                self.used += count;
                at
            })
        }
    }

    #[test]
    fn sizes_fall_into_powers_of_two_and_large_ones_into_pages() {
        assert_eq!(class_of(1), Some(0));
        assert_eq!(class_of(16), Some(0));
        assert_eq!(class_of(17), Some(1));
        assert_eq!(class_of(32 * 1024), Some(11));
        assert_eq!(class_of(32 * 1024 + 1), None);
    }

    #[test]
    fn a_freed_block_is_the_next_one_of_its_size_and_a_run_is_split() {
        let mut heap = Heap::new(Arena::new(16));
        let small = Layout::from_size_align(24, 8).unwrap();
        let big = Layout::from_size_align(3 * PAGE, 8).unwrap();
        // SAFETY: the arena is the heap's alone.
        unsafe {
            let a = heap.alloc(small);
            heap.dealloc(a, small);
            assert_eq!(heap.alloc(small), a);
            let run = heap.alloc(big);
            heap.dealloc(run, big);
            let one = Layout::from_size_align(PAGE, 8).unwrap();
            assert_eq!(heap.alloc(one), run, "first fit");
            assert_eq!(
                heap.alloc(one) as usize,
                run as usize + PAGE,
                "the rest kept"
            );
            assert_eq!(
                heap.alloc(Layout::from_size_align(1, PAGE * 2).unwrap()),
                core::ptr::null_mut()
            );
        }
    }

    #[test]
    fn running_out_of_pages_is_a_null_block_not_a_crash() {
        let mut heap = Heap::new(Arena::new(2));
        let big = Layout::from_size_align(3 * PAGE, 8).unwrap();
        let small = Layout::from_size_align(MAX_CLASS_BLOCK, 8).unwrap();
        // SAFETY: the arena is the heap's alone.
        unsafe {
            assert!(heap.alloc(big).is_null());
            let blocks: Vec<_> = (0..4).map(|_| heap.alloc(small)).collect();
            assert!(blocks.iter().all(|b| !b.is_null()));
            assert!(heap.alloc(small).is_null());
        }
    }

    proptest! {
        /// Any sequence of requests and frees: every block is aligned as
        /// asked, no two live blocks overlap, and what a block holds stays
        /// until it is freed.
        #[test]
        fn live_blocks_never_overlap_and_keep_their_bytes(
            steps in prop::collection::vec((0usize..200_000, 0u32..7, any::<bool>()), 1..300)
        ) {
            let mut heap = Heap::new(Arena::new(256));
            let mut live: BTreeMap<usize, (Layout, u8)> = BTreeMap::new();
            for (i, (size, align, free)) in steps.into_iter().enumerate() {
                if free && let Some((&at, &(layout, fill))) = live.iter().nth(i % live.len().max(1)) {
                    // SAFETY: `at` is live, of `layout`, written with `fill`.
                    unsafe {
                        let bytes = std::slice::from_raw_parts(at as *const u8, layout.size());
                        prop_assert!(bytes.iter().all(|b| *b == fill));
                        heap.dealloc(at as *mut u8, layout);
                    }
                    live.remove(&at);
                    continue;
                }
                let layout = Layout::from_size_align(size % (if i % 5 == 0 { 200_000 } else { 3000 }), 1 << align).unwrap();
                // SAFETY: the arena is the heap's alone.
                let at = unsafe { heap.alloc(layout) } as usize;
                prop_assert_ne!(at, 0);
                prop_assert_eq!(at % layout.align(), 0);
                let end = at + layout.size().max(1);
                if let Some((&before, &(l, _))) = live.range(..=at).next_back() {
                    prop_assert!(before + l.size().max(1) <= at, "overlaps the block before");
                }
                if let Some((&after, _)) = live.range(at + 1..).next() {
                    prop_assert!(end <= after, "overlaps the block after");
                }
                let fill = (i % 251) as u8;
                // SAFETY: a fresh block of `layout.size()` bytes.
                unsafe { std::ptr::write_bytes(at as *mut u8, fill, layout.size()) };
                live.insert(at, (layout, fill));
            }
        }
    }
}
