// Evaluates the EnvoyPatchPolicyGuard's CEL as a Kubernetes ValidatingAdmissionPolicy would:
// `object` is dyn (the request's object as unstructured JSON), a validation passes when its
// expression is true, and an evaluation error denies (failurePolicy: Fail).
// Inputs come from test/envoy-gateway/patch-policy-guard-cel.test.ts through $ATLS_CEL_CASES.
package cel

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
)

// Kubernetes' per-expression and per-request cost limits (k8s.io/apiserver/pkg/apis/cel).
const (
	perCallLimit      = 1000000
	runtimeCostBudget = 10000000
)

type validation struct {
	Expression string `json:"expression"`
	Message    string `json:"message"`
}

type policy struct {
	Spec struct {
		Validations []validation `json:"validations"`
	} `json:"spec"`
}

type testCase struct {
	Name   string         `json:"name"`
	Policy string         `json:"policy"`
	Allow  bool           `json:"allow"`
	Denial string         `json:"denial"`
	Object map[string]any `json:"object"`
}

type input struct {
	Policies map[string]policy `json:"policies"`
	Cases    []testCase        `json:"cases"`
}

// newEnv is the part of Kubernetes' VAP environment the guard may rely on: standard CEL with
// the base options Kubernetes sets, and the variables it declares as dyn.
func newEnv(t *testing.T) *cel.Env {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.Variable("object", cel.DynType),
		cel.Variable("oldObject", cel.DynType),
	)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

type compiled struct {
	prg     cel.Program
	message string
}

func compile(t *testing.T, env *cel.Env, p policy) []compiled {
	if len(p.Spec.Validations) == 0 {
		t.Fatal("policy without validations")
	}
	out := make([]compiled, 0, len(p.Spec.Validations))
	for _, v := range p.Spec.Validations {
		ast, iss := env.Compile(v.Expression)
		if iss.Err() != nil {
			t.Fatalf("%q does not compile: %v", v.Expression, iss.Err())
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			t.Fatalf("%q is %v, not bool", v.Expression, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.CostLimit(perCallLimit), cel.EvalOptions(cel.OptTrackCost))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, compiled{prg, v.Message})
	}
	return out
}

// normalize turns JSON numbers into what unstructured objects hold: int64 when integral.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

func TestGuard(t *testing.T) {
	file := os.Getenv("ATLS_CEL_CASES")
	if file == "" {
		t.Skip("ATLS_CEL_CASES is unset: run through test/envoy-gateway/patch-policy-guard-cel.test.ts")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var in input
	if err := json.Unmarshal(data, &in); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t)
	programs := map[string][]compiled{}
	for name, p := range in.Policies {
		programs[name] = compile(t, env, p)
	}
	allowed, denied := 0, 0
	for _, c := range in.Cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			prgs, ok := programs[c.Policy]
			if !ok {
				t.Fatalf("unknown policy %q", c.Policy)
			}
			vars := map[string]any{"object": normalize(c.Object), "oldObject": nil}
			var failed []string
			var cost uint64
			for _, p := range prgs {
				out, det, err := p.prg.Eval(vars)
				if det != nil && det.ActualCost() != nil {
					cost += *det.ActualCost()
				}
				if err != nil {
					// Failing closed would deny too, but a denial should carry its message.
					t.Errorf("evaluation error (denies without a message): %v", err)
					continue
				}
				if out.Value() != true {
					failed = append(failed, p.message)
				}
			}
			if cost > runtimeCostBudget {
				t.Errorf("cost %d exceeds Kubernetes' runtime budget %d", cost, runtimeCostBudget)
			}
			if c.Allow && len(failed) > 0 {
				t.Errorf("denied, expected allowed: %s", strings.Join(failed, " | "))
			}
			if !c.Allow {
				if len(failed) == 0 {
					t.Errorf("allowed, expected denied (%s)", c.Denial)
				} else if !strings.Contains(strings.Join(failed, " | "), c.Denial) {
					t.Errorf("denied for %q, expected a denial containing %q", strings.Join(failed, " | "), c.Denial)
				}
			}
		})
		if c.Allow {
			allowed++
		} else {
			denied++
		}
	}
	t.Logf("%d allowed and %d denied cases", allowed, denied)
}
