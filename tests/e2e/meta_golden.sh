#!/bin/sh
# meta_golden.sh - `evident meta --json` on CSVs made from golden inputs
# (tests/fixtures/synth) must print the numbers metafor 3.8-1 computed
# (tests/golden/synth), relative 1e-6 / absolute 1e-10.
# usage: sh meta_golden.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
WORK=$2
mkdir -p "$WORK"
F=tests/fixtures/synth
G=tests/golden/synth
TIGHT="--threshold 1e-12 --maxiter 10000"
fails=0

run() { # name, golden case, python checks, evident args...
    name=$1 case=$2 checks=$3
    shift 3
    "$EV" meta "$@" --json --quiet > "$WORK/$name.json" 2> "$WORK/$name.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: exit status $rc ($(cat "$WORK/$name.err"))"
        fails=$((fails + 1))
        return
    fi
    if /usr/bin/python3 - "$WORK/$name.json" "$G/$case.json" "$checks" <<'PY'
import json, math, sys
got = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))["expected"]
bad = 0
def walk(d, path):
    for p in path.split("/"):
        d = d[int(p)] if isinstance(d, list) else d[p]
    return d
for pair in sys.argv[3].split():
    g, e = pair.split("=")
    a, b = walk(got, g), walk(exp, e)
    if b is None:
        ok = a is None
    else:
        ok = a is not None and (abs(a - b) <= 1e-10 or abs(a - b) <= 1e-6 * abs(b))
    if not ok:
        print("  %s: got %r, metafor %r" % (g, a, b))
        bad += 1
sys.exit(1 if bad else 0)
PY
    then
        echo "ok   $name"
    else
        echo "FAIL $name"
        fails=$((fails + 1))
    fi
}

M="model/coefficients/0"
run bcg_reml bcg_rr_reml_regtest \
    "model/tau2=model/tau2 model/se_tau2=model/se.tau2 model/QE=model/QE model/I2=model/I2 $M/estimate=model/estimate $M/se=model/se $M/pval=model/pval $M/ci_lb=model/ci.lb model/fit_REML/logLik=model/fit.stats/REML/logLik regtest_rma/zval=regtest_rma_sei/zval regtest_rma/limit_estimate=regtest_rma_sei/limit_estimate/est regtest_lm/tval=regtest_lm_sei/tval regtest_lm/pval=regtest_lm_sei/pval regtest_lm/residual_sigma=regtest_lm_sei/fit/residual_sigma" \
    $F/bcg.csv --measure RR $TIGHT --regtest

run bcg_trimfill bcg_rr_reml_trimfill \
    "trimfill/k0=trimfill/k0 trimfill/se_k0=trimfill/se.k0 trimfill/fit/tau2=trimfill/tau2 trimfill/fit/coefficients/0/estimate=trimfill/estimate trimfill/fit/QE=trimfill/QE trimfill/fit/yi/13=trimfill/augmented/yi/13" \
    $F/bcg.csv --measure RR $TIGHT --trimfill

run hackshaw_r0 hackshaw_gen_reml_trimfill_r0 \
    "trimfill/k0=trimfill/k0 trimfill/p_k0=trimfill/p.k0 trimfill/fit/coefficients/0/estimate=trimfill/estimate trimfill/fit/coefficients/0/ci_ub=trimfill/ci.ub" \
    $F/hackshaw.csv $TIGHT --trimfill --estimator R0

run bcg_leave1out bcg_rr_reml_leave1out \
    "leave1out/0/estimate=leave1out/estimate/0 leave1out/7/tau2=leave1out/tau2/7 leave1out/12/Q=leave1out/Q/12 leave1out/3/ci_ub=leave1out/ci.ub/3" \
    $F/bcg.csv --measure RR $TIGHT --leave1out

run bcg_cumul bcg_rr_reml_cumul_year \
    "cumul/0/estimate=cumul/estimate/0 cumul/2/tau2=cumul/tau2/2 cumul/12/I2=cumul/I2/12 cumul/5/pval=cumul/pval/5" \
    $F/bcg.csv --measure RR $TIGHT --cumul year

run hackshaw_cumul hackshaw_gen_dl_cumul_year \
    "cumul/4/estimate=cumul/estimate/4 cumul/36/tau2=cumul/tau2/36 cumul/18/se=cumul/se/18" \
    $F/hackshaw.csv --method DL --cumul year

run bcg_subgroup bcg_rr_reml_subgroup_alloc \
    "subgroups/levels/1/fit/coefficients/0/estimate=subgroups/1/estimate subgroups/levels/2/fit/tau2=subgroups/2/tau2 subgroups/levels/0/pi_lb=subgroups/0/pi.lb subgroups/test_between_separate_tau2/Q=test_between_separate_tau2/Q subgroups/test_between_separate_tau2/pval=test_between_separate_tau2/pval subgroups/test_moderator_common_tau2/QM=test_moderator_common_tau2/QM subgroups/test_moderator_common_tau2/tau2=test_moderator_common_tau2/tau2" \
    $F/bcg.csv --measure RR $TIGHT --by alloc

run curtis_subgroup curtis_rom_dl_subgroup_xtrt \
    "subgroups/test_between_separate_tau2/Q=test_between_separate_tau2/Q subgroups/test_moderator_common_tau2/QMp=test_moderator_common_tau2/QMp subgroups/levels/7/fit/coefficients/0/estimate=subgroups/7/estimate" \
    $F/curtis.csv --measure ROM --method DL --by xtrt

run bcg_mh_or bcg_mh_or \
    "model/estimate=estimate model/se=se model/ci_lb=ci.lb model/exp/estimate=exp/estimate model/QE=QE model/MH=MH model/MHp=MHp model/CO=CO model/BD=BD model/TA=TA model/TAp=TAp" \
    $F/bcg.csv --measure OR --model mh

run collins_mh collins_stb_mh_or \
    "model/estimate=estimate model/QE=QE model/I2=I2 model/H2=H2 model/BD=BD model/BDp=BDp model/vi/5=vi/5 model/yi/6=yi/6" \
    $F/collins.csv --measure OR --model mh

run hart_irr hart_mh_irr "model/estimate=estimate model/se=se model/MH=MH model/QEp=QEp" \
    $F/hart.csv --measure IRR --model mh

run bcg_peto bcg_peto "model/estimate=estimate model/se=se model/QE=QE model/QEp=QEp model/H2=H2" \
    $F/bcg.csv --model peto

run collins_peto collins_stb_peto "model/estimate=estimate model/QE=QE model/ci_ub=ci.ub" \
    $F/collins.csv --model peto

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all meta golden checks passed"
