package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"wangge/partition"
)

// BlockOptions names the properties of a block file. Empty fields take
// the defaults: IDField "id", WeightField "households", KindField "kind",
// NameField "name", ParentField "parent".
type BlockOptions struct {
	// IDField is the property holding the block id (a string or number).
	// With the default "id", a feature's own GeoJSON id is used when the
	// property is absent.
	IDField string
	// WeightField is the numeric property every block must have, the one
	// grids are sized by. "households" and "population" fill the Block
	// fields of those names; any other field is checked the same way and
	// kept in Attrs.
	WeightField string
	KindField   string
	NameField   string
	ParentField string
}

func (o BlockOptions) withDefaults() BlockOptions {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.IDField, "id")
	def(&o.WeightField, "households")
	def(&o.KindField, "kind")
	def(&o.NameField, "name")
	def(&o.ParentField, "parent")
	return o
}

// DecodeBlocks reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features in WGS-84 and returns one block per feature, in
// file order, with MultiPolygon geometry whose rings are wound as RFC 7946
// asks. name is the file name used in errors.
//
// The input is read as a stream, one feature at a time; wrap r (for
// example with progress.Bar.Reader) to follow how far it got. The whole
// file is rejected at the first problem with an *Error naming the
// file, the feature and the field: invalid JSON (ErrInvalidJSON), not a
// FeatureCollection (ErrNotFeatureCollection), a missing or repeated id
// (ErrMissingID, ErrDuplicateID), a missing or bad weight (ErrMissingWeight,
// ErrBadWeight), a bad property (ErrBadProperty), a malformed geometry
// (ErrBadGeometry), or a geometry geo.Validate rejects (it wraps a
// *geo.InvalidError and one of the geo sentinels).
func DecodeBlocks(r io.Reader, name string, opts BlockOptions) ([]partition.Block, error) {
	t := &tracker{r: r}
	br := bufio.NewReader(t)
	var bom int64
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) // a UTF-8 byte order mark, as some desktop tools write
		bom = 3
	}
	d := &blockDecoder{
		dec:  json.NewDecoder(br),
		t:    t,
		bom:  bom,
		file: name,
		opts: opts.withDefaults(),
		seen: make(map[partition.BlockID]int),
	}
	if err := d.collection(); err != nil {
		return nil, err
	}
	return d.blocks, nil
}

// blockDecoder walks one FeatureCollection.
type blockDecoder struct {
	dec    *json.Decoder
	t      *tracker
	bom    int64
	file   string
	opts   BlockOptions
	seen   map[partition.BlockID]int // block id → feature index
	blocks []partition.Block
}

// offset is the file offset of the decoder's position.
func (d *blockDecoder) offset() int64 { return d.dec.InputOffset() + d.bom }

// fail builds the error for a problem in the collection outside any feature.
func (d *blockDecoder) fail(field string, err error) error {
	return &Error{File: d.file, Feature: -1, Field: field, Offset: d.offset(), Err: err}
}

// collection reads the top-level object.
func (d *blockDecoder) collection() error {
	if err := d.delim('{', "a JSON object"); err != nil {
		return err
	}
	var kind string
	sawFeatures := false
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch key := tok.(string); key {
		case "type":
			start := d.offset()
			var v json.RawMessage
			if err := d.value(start, -1, &v); err != nil {
				return err
			}
			if err := json.Unmarshal(v, &kind); err != nil || kind != "FeatureCollection" {
				return d.fail("type", fmt.Errorf("%w: type is %s", ErrNotFeatureCollection, v))
			}
		case "features":
			sawFeatures = true
			if err := d.features(); err != nil {
				return err
			}
		default: // name, crs, bbox, foreign members: not needed
			var skip json.RawMessage
			if err := d.value(d.offset(), -1, &skip); err != nil {
				return err
			}
		}
	}
	if err := d.delim('}', "the end of the object"); err != nil {
		return err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return d.fail("", fmt.Errorf("%w at byte %d: data after the end of the collection", ErrInvalidJSON, d.offset()))
	}
	switch {
	case kind == "":
		return d.fail("type", fmt.Errorf("%w: no type member", ErrNotFeatureCollection))
	case !sawFeatures:
		return d.fail("features", fmt.Errorf("%w: no features member", ErrNotFeatureCollection))
	}
	return nil
}

// features reads the features array, one feature at a time.
func (d *blockDecoder) features() error {
	if err := d.delim('[', "an array of features"); err != nil {
		return err
	}
	for i := 0; d.dec.More(); i++ {
		start := d.offset()
		var f rawFeature
		if err := d.value(start, i, &f); err != nil {
			var ie *Error
			if errors.As(err, &ie) && ie.Field != "" {
				// A member of the wrong type: the rest was decoded.
				ie.ID, _, _ = f.id(d.opts)
			}
			return err
		}
		b, field, err := f.block(d.opts)
		if err != nil {
			return &Error{File: d.file, Feature: i, ID: string(b.ID), Field: field, Offset: start, Err: err}
		}
		if first, dup := d.seen[b.ID]; dup {
			return &Error{File: d.file, Feature: i, ID: string(b.ID), Field: "properties." + d.opts.IDField, Offset: start,
				Err: fmt.Errorf("%w: features %d and %d both have it", ErrDuplicateID, first, i)}
		}
		d.seen[b.ID] = i
		d.blocks = append(d.blocks, b)
		d.t.mark(d.offset())
	}
	return d.delim(']', "the end of the features array")
}

// delim reads the next token and checks that it is the delimiter want.
func (d *blockDecoder) delim(want json.Delim, what string) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		return d.fail("", fmt.Errorf("%w: found %v where %s should be", ErrNotFeatureCollection, describe(tok), what))
	}
	return nil
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(tok))
	case string:
		return fmt.Sprintf("the string %q", tok)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// token reads one token; the decoder places Token's syntax errors exactly.
func (d *blockDecoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF:
		return nil, d.fail("", &syntaxError{Offset: d.t.end(), Msg: "unexpected end of file"})
	case err != nil:
		return nil, d.fail("", d.jsonError(err, d.offset()))
	}
	return tok, nil
}

// value decodes the next value, which starts at file offset start, into v.
// feature is the index of the feature being read, or -1.
func (d *blockDecoder) value(start int64, feature int, v any) error {
	d.t.mark(start)
	err := d.dec.Decode(v)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ute):
		return &Error{File: d.file, Feature: feature, Field: ute.Field, Offset: start, Err: typeError(ute)}
	}
	return &Error{File: d.file, Feature: feature, Offset: start, Err: d.jsonError(err, start)}
}

// typeError explains a feature member of the wrong JSON type.
func typeError(e *json.UnmarshalTypeError) error {
	switch e.Field {
	case "":
		return fmt.Errorf("%w: a feature is a JSON %s, not an object", ErrNotFeatureCollection, e.Value)
	case "properties":
		return fmt.Errorf("%w: properties is a JSON %s, want an object", ErrBadProperty, e.Value)
	}
	return fmt.Errorf("%w: %s is a JSON %s, want an object", ErrBadGeometry, e.Field, e.Value)
}

// jsonError turns an error of the JSON decoder into a *syntaxError with
// the exact file offset. json.Decoder.Decode counts its offsets over all
// the values it decoded, not over the file, so a value's error is placed
// again by scanning its bytes, which the tracker kept.
func (d *blockDecoder) jsonError(err error, start int64) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &syntaxError{Offset: d.t.end(), Msg: "unexpected end of file"}
	case errors.As(err, &se):
		if off, msg, ok := d.t.locate(start); ok {
			return &syntaxError{Offset: off, Msg: msg}
		}
		return &syntaxError{Offset: se.Offset + d.bom, Msg: se.Error()}
	}
	return err // reading r failed: the JSON is not at fault
}

// syntaxError is invalid JSON at a file offset.
type syntaxError struct {
	Offset int64
	Msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

func (e *syntaxError) Unwrap() error { return ErrInvalidJSON }

// tracker passes reads through and keeps the bytes from the start of the
// value being decoded onwards, so that a syntax error in it can be placed.
// It holds one feature and the decoder's read-ahead, not the file.
type tracker struct {
	r    io.Reader
	buf  []byte
	base int64 // file offset of buf[0]
}

func (t *tracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// mark forgets the bytes before file offset off.
func (t *tracker) mark(off int64) {
	if drop := off - t.base; drop > 0 && drop <= int64(len(t.buf)) {
		t.buf = t.buf[:copy(t.buf, t.buf[drop:])]
		t.base = off
	}
}

// end is the file offset just past the bytes read so far.
func (t *tracker) end() int64 { return t.base + int64(len(t.buf)) }

// locate scans the value starting at file offset start (after blanks and
// a separating comma or colon) and returns the offset of its first syntax
// error and the error's text. It reports false when the value is valid or
// cut short: then the error was between values, where the decoder's own
// offset is right.
func (t *tracker) locate(start int64) (int64, string, bool) {
	if start < t.base || start > t.end() {
		return 0, "", false
	}
	b := t.buf[start-t.base:]
	skip := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
	if skip < len(b) && (b[skip] == ',' || b[skip] == ':') {
		skip++
	}
	skip += len(b[skip:]) - len(bytes.TrimLeft(b[skip:], " \t\r\n"))
	var v json.RawMessage
	var se *json.SyntaxError
	err := json.NewDecoder(bytes.NewReader(b[skip:])).Decode(&v)
	if !errors.As(err, &se) {
		return 0, "", false
	}
	return start + int64(skip) + se.Offset - 1, se.Error(), true
}
