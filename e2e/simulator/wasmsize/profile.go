package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A part is one share of a Go wasm file: its bytes as they stand in the
// file (for a data region, its segments with their headers).
type part struct {
	name  string
	bytes []byte
}

// profile cuts a Go-built wasm file into the parts that explain its size:
// the code section, the data section by what Go's linker puts there, and
// the rest (imports, types, exports, names). It needs no name section.
//
// Go's wasm linker (cmd/link/internal/wasm) writes the program's static
// memory as data segments, leaving out runs of eight or more zero bytes
// (each segment costs a header of about eight bytes). The runtime finds
// its tables through runtime.firstmoduledata (runtime/symtab.go), whose
// first field points at the pcHeader of the pc-line table: profile finds
// the pcHeader by its magic number, then the moduledata by that pointer,
// and reads the regions' bounds from it. Its layout is Go 1.2x's; a
// layout it does not recognise is an error, not a wrong profile.
func profile(b []byte) (parts []part, funcs, segs int, err error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, 0, 0, errors.New("not a wasm file")
	}
	var code, data, other []byte
	for i := 8; i < len(b); {
		size, n := binary.Uvarint(b[i+1:])
		if n <= 0 || i+1+n+int(size) > len(b) {
			return nil, 0, 0, errors.New("truncated section")
		}
		id, sec := b[i], b[i+1+n:i+1+n+int(size)]
		switch id {
		case 10:
			code = sec
			c, _ := binary.Uvarint(sec)
			funcs = int(c)
		case 11:
			data = sec
		default:
			other = append(other, b[i:i+1+n+int(size)]...)
		}
		i += 1 + n + int(size)
	}
	regions, segs, err := dataRegions(data)
	if err != nil {
		return nil, 0, 0, err
	}
	parts = append(parts, part{"code section (function bodies)", code}, part{"data section", data})
	parts = append(parts, regions...)
	return append(parts, part{"other sections (imports, exports, names...)", other}), funcs, segs, nil
}

// segment is one active data segment: where it goes in memory, its bytes
// and its encoding in the file, header included (the bytes end it).
type segment struct {
	off       int
	data, enc []byte
}

func segments(sec []byte) ([]segment, error) {
	cnt, p := binary.Uvarint(sec)
	var segs []segment
	for range cnt {
		start := p
		// memory index 0, then the offset expression: i32.const N end
		if p+2 > len(sec) || sec[p] != 0 || sec[p+1] != 0x41 {
			return nil, errors.New("data segment not of the form Go's linker writes")
		}
		off, k := sleb(sec[p+2:])
		p += 2 + k
		if p >= len(sec) || sec[p] != 0x0b {
			return nil, errors.New("data segment offset is not a constant")
		}
		l, k := binary.Uvarint(sec[p+1:])
		p += 1 + k
		if p+int(l) > len(sec) {
			return nil, errors.New("truncated data segment")
		}
		segs = append(segs, segment{int(off), sec[p : p+int(l)], sec[start : p+int(l)]})
		p += int(l)
	}
	return segs, nil
}

func sleb(b []byte) (int64, int) {
	var r int64
	var s uint
	for i, c := range b {
		r |= int64(c&0x7f) << s
		s += 7
		if c < 0x80 {
			if c&0x40 != 0 && s < 64 {
				r |= -1 << s
			}
			return r, i + 1
		}
	}
	return 0, len(b)
}

// dataRegions splits the data section by the runtime's tables.
func dataRegions(sec []byte) ([]part, int, error) {
	segs, err := segments(sec)
	if err != nil {
		return nil, 0, err
	}
	end := 0
	for _, s := range segs {
		end = max(end, s.off+len(s.data))
	}
	mem := make([]byte, end)
	for _, s := range segs {
		copy(mem[s.off:], s.data)
	}
	u64 := func(a int) int {
		if a < 0 || a+8 > len(mem) {
			return -1
		}
		return int(binary.LittleEndian.Uint64(mem[a:]))
	}
	// pcHeader: magic 0xfffffff1 (Go 1.20 on), pad1 pad2 = 0, minLC,
	// ptrSize 8; then nfunc, nfiles, an unused word and five offsets.
	ph := -1
	for a := 0; a+64 <= len(mem); {
		i := bytes.Index(mem[a:], []byte{0xf1, 0xff, 0xff, 0xff, 0, 0})
		if i < 0 {
			break
		}
		if a += i; mem[a+7] == 8 {
			ph = a
			break
		}
		a++
	}
	if ph < 0 {
		return nil, 0, errors.New("no pcHeader (Go 1.20+ pc-line table) in the data")
	}
	var key [16]byte
	binary.LittleEndian.PutUint64(key[:], uint64(ph))
	binary.LittleEndian.PutUint64(key[8:], uint64(ph+u64(ph+32)))
	md := bytes.Index(mem, key[:])
	if md < 0 {
		return nil, 0, errors.New("no runtime.firstmoduledata pointing at the pcHeader")
	}
	// moduledata: pcHeader, then six slices (funcnametab, cutab,
	// filetab, pctab, pclntable, ftab), findfunctab, minpc, maxpc, then
	// text, etext, noptrdata, enoptrdata, data, edata, bss, ebss,
	// noptrbss, enoptrbss, covctrs, ecovctrs, end, gcdata, gcbss, types,
	// etypes, rodata, gofunc, epclntab.
	slice := func(i int) int { return u64(md + 8 + 24*i) }
	word := func(i int) int { return u64(md + 8 + 24*6 + 8*i) }
	findfunctab, minpc, maxpc := word(0), word(1), word(2)
	field := func(i int) int { return word(3 + i) }
	noptrdata, enoptrdata, dataStart, edata := field(2), field(3), field(4), field(5)
	types, etypes, gofunc := field(15), field(16), field(18)
	cutab, pctab, pclntable := slice(1), slice(3), slice(4)
	ffEnd := findfunctab + (maxpc-minpc+4095)/4096*20
	bounds := []struct {
		name  string
		start int
	}{
		{"  before the type data", 0},
		{"  type data, strings, static tables (rodata)", types},
		{"  (between rodata and the pc-line table)", etypes},
		{"  function names (funcnametab)", ph},
		{"  file tables (cutab, filetab)", cutab},
		{"  pc tables (pctab: stack, line, file per pc)", pctab},
		{"  function table (ftab, _func)", pclntable},
		{"  funcdata (stack maps, inline trees)", gofunc},
		{"  findfunctab (20 bytes a 4 KB of pc: 16 a function)", findfunctab},
		{"  typelinks, itablinks, moduledata", ffEnd},
		{"  Go variables with no pointers (noptrdata)", noptrdata},
		{"  (between noptrdata and data)", enoptrdata},
		{"  Go variables with pointers (data)", dataStart},
		{"  after data", edata},
	}
	for i := 1; i < len(bounds); i++ {
		if bounds[i].start < bounds[i-1].start {
			return nil, 0, fmt.Errorf("unexpected layout: %s at %#x before %s at %#x", bounds[i].name, bounds[i].start, bounds[i-1].name, bounds[i-1].start)
		}
	}
	var parts []part
	for i, bd := range bounds {
		stop := len(mem) + 1
		if i+1 < len(bounds) {
			stop = bounds[i+1].start
		}
		// A region's share: the bytes of every segment that fall in it
		// (a segment can run on across a bound), and the headers of the
		// segments that start in it.
		var enc []byte
		for _, s := range segs {
			if s.off >= bd.start && s.off < stop {
				enc = append(enc, s.enc[:len(s.enc)-len(s.data)]...)
			}
			lo, hi := max(bd.start-s.off, 0), min(stop-s.off, len(s.data))
			if lo < hi {
				enc = append(enc, s.data[lo:hi]...)
			}
		}
		// The gaps are empty in the layouts seen; they are listed when not.
		if gap := strings.HasPrefix(bd.name, "  (") || i == 0 || i == len(bounds)-1; len(enc) > 0 || !gap {
			parts = append(parts, part{bd.name, enc})
		}
	}
	var headers []byte
	for _, s := range segs {
		headers = append(headers, s.enc[:len(s.enc)-len(s.data)]...)
	}
	parts = append(parts, part{"  of which segment headers", headers})
	return slices.Clip(parts), len(segs), nil
}

// printProfiles prints the parts of two wasm files side by side, raw and
// brotli (each part compressed alone: the parts do not add up to the
// file's brotli size, which shares a window across them).
func printProfiles(baseName string, base []byte, name string, b []byte) error {
	pb, fb, sb, err := profile(base)
	if err != nil {
		return fmt.Errorf("%s: %v", baseName, err)
	}
	pc, fc, sc, err := profile(b)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	fmt.Printf("%-54s %21s %21s\n", "", baseName, name)
	fmt.Printf("%-54s %10s %10s %10s %10s\n", "part", "raw", "brotli", "raw", "brotli")
	for i, p := range pc {
		var q part
		if i < len(pb) && pb[i].name == p.name {
			q = pb[i]
		} else if j := slices.IndexFunc(pb, func(x part) bool { return x.name == p.name }); j >= 0 {
			q = pb[j]
		}
		if len(q.bytes) == 0 && len(p.bytes) == 0 {
			continue
		}
		fmt.Printf("%-54s %10d %10d %10d %10d\n", p.name, len(q.bytes), brotliLen(q.bytes), len(p.bytes), brotliLen(p.bytes))
	}
	fmt.Printf("%-54s %10d %10s %10d\n", "functions", fb, "", fc)
	fmt.Printf("%-54s %10d %10s %10d\n", "data segments", sb, "", sc)
	return nil
}
