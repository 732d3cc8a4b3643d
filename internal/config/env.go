package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// envPrefix starts the name of every environment variable of a setting.
const envPrefix = "WANGGE"

// ApplyEnv overrides settings with the environment variables getenv gives
// (os.Getenv in the command): for every setting that is one value or a
// list of strings, WANGGE_ and its key path in upper case with dots as
// underscores (WANGGE_LIMITS_BODY_BYTES); a list is comma-separated. An
// empty variable is unset. It returns the names of the variables it
// applied; a value that does not parse is an *Error naming the variable
// and the key.
func (c *Config) ApplyEnv(getenv func(string) string) ([]string, error) {
	var applied []string
	err := eachEnv(reflect.ValueOf(c).Elem(), envPrefix, "", func(name, key string, v reflect.Value) error {
		s := getenv(name)
		if s == "" {
			return nil
		}
		if err := setText(v, s); err != nil {
			return &Error{Source: name, Key: key, Reason: err.Error() + "; want " + describe(v.Type()), Err: ErrValue}
		}
		applied = append(applied, name)
		return nil
	})
	return applied, err
}

// eachEnv calls fn with the variable name, the key and the value of every
// setting of the struct v that an environment variable can give, in
// field order.
func eachEnv(v reflect.Value, prefix, keyPrefix string, fn func(name, key string, v reflect.Value) error) error {
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		key := tomlKey(f)
		name, dotted := prefix+"_"+strings.ToUpper(key), keyPrefix+key
		var err error
		switch t := f.Type; {
		case isText(t) || t.Kind() == reflect.String || t.Kind() == reflect.Int64 || t.Kind() == reflect.Int ||
			t.Kind() == reflect.Float64 || t.Kind() == reflect.Bool ||
			t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
			err = fn(name, dotted, fv)
		case t.Kind() == reflect.Struct:
			err = eachEnv(fv, name, dotted+".", fn)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isText reports whether a setting of type t reads itself from a string.
func isText(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// setText sets v from the text of an environment variable.
func setText(v reflect.Value, s string) error {
	switch {
	case isText(v.Type()):
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Int64 || v.Kind() == reflect.Int:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(x)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	default: // a list of strings (eachEnv offers nothing else)
		var list []string
		for _, item := range strings.Split(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list))
	}
	return nil
}
