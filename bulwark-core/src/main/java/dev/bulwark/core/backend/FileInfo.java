package dev.bulwark.core.backend;

/** A stored file as a listing reports it: its name and size in bytes. */
public record FileInfo(String name, long size) {}
