package format

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// CheckIPC checks the structure of the flatbuffers that arrow-go decodes
// eagerly: the footer and schema of an Arrow IPC file, or the schema
// message that starts a stream. Every vector must lie inside data and
// nesting is bounded. arrow-go trusts these lengths and allocates from
// them, so a corrupt length can make it reserve hundreds of gigabytes;
// readers call CheckIPC first so that no input can. It does not check
// record batches (arrow-go checks their sizes against the file).
func CheckIPC(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt Arrow IPC metadata: %v", r)
		}
	}()
	if len(data) >= 10 && string(data[:6]) == "ARROW1" {
		n := len(data) - 10
		size := int(int32(binary.LittleEndian.Uint32(data[n:])))
		if size < 4 || size > n-8 {
			return errors.New("corrupt Arrow IPC footer length")
		}
		fb := &flatbuf{b: data[n-size : n]}
		fb.footer(fb.root())
		return fb.err
	}
	// A stream message: optional 0xFFFFFFFF continuation, int32 length,
	// flatbuffer Message.
	p := 0
	if len(data) >= 4 && binary.LittleEndian.Uint32(data) == 0xFFFFFFFF {
		p = 4
	}
	if len(data) < p+4 {
		return errNotArrow
	}
	size := int(int32(binary.LittleEndian.Uint32(data[p:])))
	if size < 4 || size > len(data)-p-4 {
		return errNotArrow
	}
	fb := &flatbuf{b: data[p+4 : p+4+size]}
	fb.message(fb.root())
	return fb.err
}

// flatbuf walks a flatbuffer, recording the first out-of-range position.
type flatbuf struct {
	b   []byte
	err error
}

const maxDepth = 64 // arrow-go's own nesting limit

func (f *flatbuf) fail(format string, args ...any) int {
	if f.err == nil {
		f.err = fmt.Errorf("corrupt Arrow IPC metadata: "+format, args...)
	}
	return 0
}

func (f *flatbuf) u32(p int) int {
	if f.err != nil || p < 0 || p+4 > len(f.b) {
		return f.fail("offset %d outside %d bytes", p, len(f.b))
	}
	return int(binary.LittleEndian.Uint32(f.b[p:]))
}

func (f *flatbuf) u16(p int) int {
	if f.err != nil || p < 0 || p+2 > len(f.b) {
		return f.fail("offset %d outside %d bytes", p, len(f.b))
	}
	return int(binary.LittleEndian.Uint16(f.b[p:]))
}

func (f *flatbuf) root() int { return f.u32(0) }

// field returns the position of slot's value in table t, or 0 if absent.
func (f *flatbuf) field(t, slot int) int {
	vt := t - int(int32(uint32(f.u32(t))))
	vsize := f.u16(vt)
	if f.err != nil || 4+2*slot+2 > vsize {
		return 0
	}
	if o := f.u16(vt + 4 + 2*slot); o != 0 {
		return t + o
	}
	return 0
}

// ref follows the offset in slot of table t, or returns 0 if absent.
func (f *flatbuf) ref(t, slot int) int {
	p := f.field(t, slot)
	if p == 0 {
		return 0
	}
	return p + f.u32(p)
}

// vector checks the vector in slot of table t and returns the position of
// its first element and its length.
func (f *flatbuf) vector(t, slot, elemSize int) (start, n int) {
	v := f.ref(t, slot)
	if v == 0 {
		return 0, 0
	}
	n = f.u32(v)
	if f.err == nil && v+4+n*elemSize > len(f.b) {
		return 0, f.fail("vector of %d at %d outside %d bytes", n, v, len(f.b))
	}
	return v + 4, n
}

// tables calls visit on each table of a vector of tables.
func (f *flatbuf) tables(t, slot int, visit func(int)) {
	start, n := f.vector(t, slot, 4)
	for i := 0; i < n && f.err == nil; i++ {
		e := start + 4*i
		visit(e + f.u32(e))
	}
}

func (f *flatbuf) keyValues(t, slot int) {
	f.tables(t, slot, func(kv int) {
		f.vector(kv, 0, 1)
		f.vector(kv, 1, 1)
	})
}

// Slots from Arrow's format/File.fbs, Schema.fbs and Message.fbs.

func (f *flatbuf) footer(t int) {
	if s := f.ref(t, 1); s != 0 {
		f.schema(s)
	}
	f.vector(t, 2, 24) // dictionaries: [Block]
	f.vector(t, 3, 24) // recordBatches: [Block]
	f.keyValues(t, 4)
}

func (f *flatbuf) message(t int) {
	const headerSchema = 1
	if typ := f.field(t, 1); typ != 0 && f.err == nil && f.b[typ] == headerSchema {
		if s := f.ref(t, 2); s != 0 {
			f.schema(s)
		}
	}
	f.keyValues(t, 4)
}

func (f *flatbuf) schema(t int) {
	f.tables(t, 1, func(fld int) { f.fieldDef(fld, 1) })
	f.keyValues(t, 2)
	f.vector(t, 3, 8) // features: [long]
}

func (f *flatbuf) fieldDef(t, depth int) {
	if depth > maxDepth {
		f.fail("fields nested deeper than %d", maxDepth)
		return
	}
	const typeUnion = 14
	f.vector(t, 0, 1) // name
	if typ := f.field(t, 2); typ != 0 && f.err == nil && f.b[typ] == typeUnion {
		if u := f.ref(t, 3); u != 0 {
			f.vector(u, 1, 4) // typeIds: [int]
		}
	}
	f.tables(t, 5, func(child int) { f.fieldDef(child, depth+1) })
	f.keyValues(t, 6)
}
