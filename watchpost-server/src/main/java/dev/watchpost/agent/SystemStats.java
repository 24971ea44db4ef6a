package dev.watchpost.agent;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads this host's CPU, memory and disk use.
 *
 * <p>CPU and memory come from OSHI (on Linux it parses {@code /proc/stat} and {@code /proc/meminfo};
 * it also runs on macOS, Windows and the BSDs). The disk is the JDK's {@link FileStore} of the
 * configured path: it finds the file system that holds the path, which OSHI's list of mounts
 * would make us match by hand.
 *
 * <p>CPU use is measured between two calls of {@link #read()}; the first call gives the average
 * since boot. Not thread-safe: one sampling thread calls it.
 */
final class SystemStats {

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final Path disk;
    private final FileStore store;
    /** CPU ticks at the previous read; zeros at first, so the first window starts at boot. */
    private long[] previousTicks = new long[CentralProcessor.TickType.values().length];

    /** @throws IllegalArgumentException when {@code disk} does not exist or its file system cannot be read */
    SystemStats(Path disk) {
        this.disk = disk;
        try {
            this.store = Files.getFileStore(disk);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("disk path '" + disk + "' does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the file system of disk path '" + disk + "': " + e.getMessage());
        }
        var hardware = new SystemInfo().getHardware();
        this.processor = hardware.getProcessor();
        this.memory = hardware.getMemory();
    }

    /** What the log names: the path and the file system holding it, e.g. {@code / (/dev/sda1)}. */
    String diskName() {
        return disk + " (" + store.name() + ")";
    }

    /** @throws IOException when the disk's file system cannot be read (e.g. it was unmounted) */
    Reading read() throws IOException {
        double cpu = processor.getSystemCpuLoadBetweenTicks(previousTicks) * 100;
        previousTicks = processor.getSystemCpuLoadTicks();
        long total = memory.getTotal();
        // "available" counts reclaimable caches as free, as `free` and psutil do; "free" alone would not.
        double mem = total <= 0 ? 0 : 100.0 * (total - memory.getAvailable()) / total;
        double diskUse = diskPercent(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace());
        return new Reading(cpu, mem, diskUse);
    }

    /**
     * Disk use as {@code df} and psutil report it: used blocks over the blocks an ordinary user could
     * have, so the blocks reserved for root count as neither (a disk shown at 100 % is full for
     * everyone but root).
     *
     * @param total       size of the file system, bytes
     * @param unallocated free bytes, reserved ones included
     * @param usable      free bytes an ordinary user may write
     */
    static double diskPercent(long total, long unallocated, long usable) {
        long used = total - unallocated;
        long capacity = used + usable;
        return capacity <= 0 ? 0 : 100.0 * used / capacity;
    }
}
