package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every variable of the documented pattern overrides its setting, and
// these are all the variables ApplyEnv reads.
func TestApplyEnv(t *testing.T) {
	file := "addr = \":1\"\n[limits]\nbody_bytes = 5\n[cors]\nallowed_origins = [\"https://file.example\"]\n"
	tests := []struct {
		name, value string
		check       func(Config) bool
	}{
		{"WANGGE_ADDR", ":9090", func(c Config) bool { return c.Addr == ":9090" }},
		{"WANGGE_DB", "postgres://db/wangge", func(c Config) bool { return c.DB == "postgres://db/wangge" }},
		{"WANGGE_METRICS_ADDR", "127.0.0.1:9191", func(c Config) bool { return c.MetricsAddr == "127.0.0.1:9191" }},
		{"WANGGE_ZONE", "Europe/Paris", func(c Config) bool { return c.Zone.String() == "Europe/Paris" }},
		{"WANGGE_CORS_ALLOWED_ORIGINS", " https://a.example, ,https://b.example", func(c Config) bool {
			return slices.Equal(c.CORS.AllowedOrigins, []string{"https://a.example", "https://b.example"})
		}},
		{"WANGGE_MAP_BASEMAP", "https://t.example/{z}/{x}/{y}.png", func(c Config) bool { return c.Map.Basemap == "https://t.example/{z}/{x}/{y}.png" }},
		{"WANGGE_MAP_BASEMAP_CRS", "gcj02", func(c Config) bool { return c.Map.BasemapCRS == "gcj02" }},
		{"WANGGE_MAP_BASEMAP_ATTRIBUTION", "© T", func(c Config) bool { return c.Map.BasemapAttribution == "© T" }},
		{"WANGGE_LIMITS_BODY_BYTES", "1024", func(c Config) bool { return c.Limits.BodyBytes == 1024 }},
		{"WANGGE_LIMITS_READ_HEADER_TIMEOUT", "3s", func(c Config) bool { return c.Limits.ReadHeaderTimeout == Duration{3 * time.Second} }},
		{"WANGGE_LIMITS_READ_TIMEOUT", "4s", func(c Config) bool { return c.Limits.ReadTimeout == Duration{4 * time.Second} }},
		{"WANGGE_LIMITS_WRITE_TIMEOUT", "5s", func(c Config) bool { return c.Limits.WriteTimeout == Duration{5 * time.Second} }},
		{"WANGGE_LIMITS_IDLE_TIMEOUT", "6s", func(c Config) bool { return c.Limits.IdleTimeout == Duration{6 * time.Second} }},
		{"WANGGE_LIMITS_SHUTDOWN_TIMEOUT", "7s", func(c Config) bool { return c.Limits.ShutdownTimeout == Duration{7 * time.Second} }},
		{"WANGGE_RATES_DEVICE_PER_SECOND", "0.5", func(c Config) bool { return c.Rates.DevicePerSecond == 0.5 }},
		{"WANGGE_RATES_DEVICE_BURST", "7", func(c Config) bool { return c.Rates.DeviceBurst == 7 }},
		{"WANGGE_RATES_ADDRESS_PER_SECOND", "1e6", func(c Config) bool { return c.Rates.AddressPerSecond == 1e6 }},
		{"WANGGE_RATES_ADDRESS_BURST", "9", func(c Config) bool { return c.Rates.AddressBurst == 9 }},
		{"WANGGE_RATES_ANONYMOUS_PER_HOUR", "4", func(c Config) bool { return c.Rates.AnonymousPerHour == 4 }},
		{"WANGGE_RATES_ANONYMOUS_BURST", "2", func(c Config) bool { return c.Rates.AnonymousBurst == 2 }},
		{"WANGGE_OPEN311_ANONYMOUS", "true", func(c Config) bool { return c.Open311.Anonymous }},
		{"WANGGE_AGENCIES_GRID", "G", func(c Config) bool { return c.Agencies.Grid == "G" }},
		{"WANGGE_AGENCIES_COMMUNITY", "C", func(c Config) bool { return c.Agencies.Community == "C" }},
		{"WANGGE_AGENCIES_STREET", "S", func(c Config) bool { return c.Agencies.Street == "S" }},
		{"WANGGE_AGENCIES_CITY", "Y", func(c Config) bool { return c.Agencies.City == "Y" }},
		{"WANGGE_WORKLOAD_HOUSEHOLD_MINUTES", "4.5", func(c Config) bool { return c.Workload.HouseholdMinutes == 4.5 }},
		{"WANGGE_WORKLOAD_OTHER_KEY_PLACE_CATEGORY", "misc", func(c Config) bool { return c.Workload.OtherKeyPlace.Category == "misc" }},
		{"WANGGE_WORKLOAD_OTHER_KEY_PLACE_EVERY_DAYS", "9", func(c Config) bool { return c.Workload.OtherKeyPlace.EveryDays == 9 }},
		{"WANGGE_WORKLOAD_OTHER_KEY_PLACE_MINUTES", "25", func(c Config) bool { return c.Workload.OtherKeyPlace.Minutes == 25 }},
		{"WANGGE_WORKLOAD_INCIDENT_HOURS", "2.5", func(c Config) bool { return c.Workload.IncidentHours == 2.5 }},
		{"WANGGE_WORKLOAD_PATROLS_PER_WEEK", "3", func(c Config) bool { return c.Workload.PatrolsPerWeek == 3 }},
		{"WANGGE_WORKLOAD_WALK_SPEED", "1.1", func(c Config) bool { return c.Workload.WalkSpeed == 1.1 }},
		{"WANGGE_WORKLOAD_HOURS_PER_WEEK", "35", func(c Config) bool { return c.Workload.HoursPerWeek == 35 }},
		{"WANGGE_WORKLOAD_OVERLOAD_TOLERANCE", "0.2", func(c Config) bool { return c.Workload.OverloadTolerance == 0.2 }},
		{"WANGGE_ASSESSMENT_BASE_INFO_TARGET", "12", func(c Config) bool { return c.Assessment.BaseInfo.Target == 12 }},
		{"WANGGE_ASSESSMENT_BASE_INFO_WEIGHT", "11", func(c Config) bool { return c.Assessment.BaseInfo.Weight == 11 }},
		{"WANGGE_ASSESSMENT_PATROL_TARGET", "80", func(c Config) bool { return c.Assessment.Patrol.Target == 80 }},
		{"WANGGE_ASSESSMENT_PATROL_WEIGHT", "31", func(c Config) bool { return c.Assessment.Patrol.Weight == 31 }},
		{"WANGGE_ASSESSMENT_KEY_PERSONS_TARGET", "0.9", func(c Config) bool { return c.Assessment.KeyPersons.Target == 0.9 }},
		{"WANGGE_ASSESSMENT_KEY_PERSONS_WEIGHT", "21", func(c Config) bool { return c.Assessment.KeyPersons.Weight == 21 }},
		{"WANGGE_ASSESSMENT_PROMPT_REPORTS_TARGET", "8", func(c Config) bool { return c.Assessment.PromptReports.Target == 8 }},
		{"WANGGE_ASSESSMENT_PROMPT_REPORTS_WEIGHT", "14", func(c Config) bool { return c.Assessment.PromptReports.Weight == 14 }},
		{"WANGGE_ASSESSMENT_HANDLING_TARGET", "0.9", func(c Config) bool { return c.Assessment.Handling.Target == 0.9 }},
		{"WANGGE_ASSESSMENT_HANDLING_WEIGHT", "19", func(c Config) bool { return c.Assessment.Handling.Weight == 19 }},
		{"WANGGE_ASSESSMENT_BASE_INFO_CATEGORIES", "info,census", func(c Config) bool {
			return slices.Equal(c.Assessment.BaseInfoCategories, []string{"info", "census"})
		}},
		{"WANGGE_ASSESSMENT_PROMPT_HOURS", "3", func(c Config) bool { return c.Assessment.PromptHours == 3 }},
		{"WANGGE_IMPORT_INCIDENTS_DUPLICATES", "last", func(c Config) bool { return c.Import.Incidents.Duplicates == "last" }},
		{"WANGGE_IMPORT_INCIDENTS_UNLOCATED", "skip", func(c Config) bool { return c.Import.Incidents.Unlocated == "skip" }},
		{"WANGGE_IMPORT_INCIDENTS_ZONE", "UTC", func(c Config) bool { return c.Import.Incidents.Zone.String() == "UTC" }},
		{"WANGGE_IMPORT_INCIDENTS_TIME_LAYOUT", "2006", func(c Config) bool { return c.Import.Incidents.TimeLayout == "2006" }},
	}
	var names []string
	for _, tt := range tests {
		names = append(names, tt.name)
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			before := c
			applied, err := c.ApplyEnv(func(name string) string {
				if name == tt.name {
					return tt.value
				}
				return ""
			})
			if err != nil || !slices.Equal(applied, []string{tt.name}) || !tt.check(c) {
				t.Fatalf("ApplyEnv: applied %v, %v; config %+v", applied, err, c)
			}
			if reflect.DeepEqual(c, before) {
				t.Fatal("nothing changed")
			}
		})
	}
	var read []string
	c := Default()
	if _, err := c.ApplyEnv(func(name string) string { read = append(read, name); return "" }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(read, names) {
		t.Fatalf("ApplyEnv reads %v;\nthis test covers %v", read, names)
	}
}

// A bad value in a variable is one line naming the variable and the key;
// an empty one is unset.
func TestApplyEnvErrors(t *testing.T) {
	tests := []struct {
		name, value, says string
	}{
		{"WANGGE_LIMITS_BODY_BYTES", "10MB", `config: WANGGE_LIMITS_BODY_BYTES: limits.body_bytes: "10MB" is not a whole number; want a whole number`},
		{"WANGGE_LIMITS_WRITE_TIMEOUT", "2", `config: WANGGE_LIMITS_WRITE_TIMEOUT: limits.write_timeout: "2" is not a duration`},
		{"WANGGE_ZONE", "Local", `config: WANGGE_ZONE: zone: "Local" is not an IANA time zone`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			_, err := c.ApplyEnv(func(name string) string {
				if name == tt.name {
					return tt.value
				}
				return ""
			})
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, ErrValue) || ce.Source != tt.name || !strings.HasPrefix(err.Error(), tt.says) {
				t.Fatalf("ApplyEnv = %v, want it to start %q", err, tt.says)
			}
		})
	}
}
