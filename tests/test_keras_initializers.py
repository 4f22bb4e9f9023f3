"""keras.initializers, keras.regularizers and keras.constraints: values after
`keras.utils.set_random_seed`, configs, names and errors (observed on TF 2.21 / Keras 3.15.1)."""

from __future__ import annotations

import random

import numpy as np
import pytest

import tapeflow as tf

keras = tf.keras
I = keras.initializers  # noqa: E741
R = keras.regularizers
C = keras.constraints

# Normal-based values go through TF's Box-Muller (Eigen's float32 log/sin/cos): ~1 ulp apart.
_ULP = dict(rtol=3e-7, atol=1e-7)


def _values(x):
    return np.asarray(x).tolist()


def test_uniform_initializers_after_set_random_seed_are_tfs_bit_for_bit():
    # Each initializer draws random.randint(1, 10**9) when built, in this order.
    keras.utils.set_random_seed(1)
    assert _values(I.GlorotUniform()((3, 1))) == [
        [-0.5903275012969971], [0.8878101110458374], [1.0738579034805298]]  # fmt: skip
    conv = np.asarray(I.GlorotUniform()((3, 3, 2, 4))).ravel()[:5]  # fans include 3x3
    assert conv.tolist() == [0.060840606689453125, -0.0651155412197113, 0.20735707879066467,
                             0.042286962270736694, -0.12116400897502899]  # fmt: skip
    assert _values(I.HeUniform()((4, 3))) == [
        [0.0059854984283447266, -0.255975604057312, -1.2150784730911255],
        [-0.8226190805435181, -0.5191514492034912, 0.18951153755187988],
        [-0.024625420570373535, 0.546522855758667, -0.32496339082717896],
        [-0.36430102586746216, -0.7416536808013916, 0.4907355308532715]]  # fmt: skip
    he_normal = I.HeNormal()((4, 3))
    glorot_normal = I.GlorotNormal()((4, 3))
    assert _values(I.LecunUniform()((4, 3))) == [
        [0.18686538934707642, 0.8192644715309143, 0.8465924859046936],
        [-0.027572274208068848, 0.43673592805862427, -0.6608936190605164],
        [0.1299334168434143, -0.640720009803772, 0.8589300513267517],
        [-0.1500173807144165, -0.3270968198776245, -0.021731019020080566]]  # fmt: skip
    lecun_normal = I.LecunNormal()((4, 3))
    random_normal = I.RandomNormal()((2, 3))
    assert _values(I.RandomUniform()((2, 3))) == [
        [-0.022570837289094925, -0.020265614613890648, 0.049462322145700455],
        [0.043518174439668655, 0.0012535825371742249, -0.03738896921277046]]  # fmt: skip
    truncated = I.TruncatedNormal()((2, 3))
    untruncated = I.VarianceScaling(3.0, "fan_out", "untruncated_normal")((2, 3))
    orthogonal = I.Orthogonal()((3, 2))
    np.testing.assert_allclose(he_normal, [
        [0.04284460470080376, 0.9636983275413513, -1.047355055809021],
        [0.9255006313323975, -0.2275879830121994, 0.3202055096626282],
        [-0.9866984486579895, 0.615882933139801, -0.2921135723590851],
        [0.18930621445178986, -0.4877789616584778, 0.7465060353279114]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(glorot_normal, [
        [0.9222884774208069, 0.6247046589851379, -0.3586794435977936],
        [-0.05561453104019165, 0.3805713653564453, -0.18847879767417908],
        [-0.5283343195915222, 1.1508601903915405, 1.047540307044983],
        [-0.2022619992494583, -0.44991788268089294, 1.121748685836792]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(lecun_normal, [
        [0.23177003860473633, -0.5033743977546692, 0.4085863530635834],
        [-0.026919592171907425, 0.49253079295158386, 0.11037323623895645],
        [-0.3216753304004669, 0.5593965649604797, -0.9703337550163269],
        [-0.44377321004867554, -0.9208760261535645, -0.16110464930534363]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(random_normal, [
        [-0.00573910865932703, -0.12567360699176788, -0.05813879519701004],
        [0.02717610076069832, 0.05849522352218628, -0.03437548130750656]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(truncated, [
        [-0.03317761793732643, -0.033442433923482895, -0.06387171149253845],
        [0.0733662024140358, 0.006688269320875406, -0.029002970084547997]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(untruncated, [
        [0.07291702181100845, -0.06606149673461914, -0.5845077037811279],
        [1.6807447671890259, 0.7879328727722168, 1.0104117393493652]], **_ULP)  # fmt: skip
    np.testing.assert_allclose(orthogonal, [
        [0.6944292783737183, -0.7181882858276367], [0.645197331905365, 0.5941404104232788],
        [-0.3185725212097168, -0.36221930384635925]], rtol=2e-6, atol=1e-6)  # fmt: skip


def test_seeded_initializers_and_the_seed_rules():
    g = I.GlorotUniform(seed=7)
    assert np.array_equal(g((3, 2)), g((3, 2)))  # the same object gives the same values
    got = g((3, 2), dtype="float64")
    assert got.dtype == tf.float64 and _values(got) == [
        [1.0442446244346728, -0.0827348116576665], [0.13686247253846084, 0.3320803439286757],
        [0.17936551735685646, -0.7153202216899153]]  # fmt: skip
    # A seed past int32 is taken modulo 2**31 - 2, as Keras' TF backend does.
    assert _values(I.RandomUniform(seed=2**40 + 5)((3,))) == [
        0.007061980664730072, -0.03577948734164238, 0.029377009719610214]  # fmt: skip
    np.testing.assert_allclose(I.Orthogonal(gain=2.0, seed=5)((2, 4)), [
        [-1.6842522621154785, 0.15701110661029816, 0.7431037425994873, -0.7657930850982666],
        [0.5672515034675598, -0.08662939071655273, -0.5783275365829468, -1.8265427350997925]],
        rtol=2e-6, atol=1e-6)  # fmt: skip
    assert float(I.GlorotUniform(seed=1)(())) == 1.3111215829849243
    # tf.random.set_seed alone does not fix Keras' seeds (drawn from Python's random).
    random.seed(5)
    first = I.GlorotUniform()((2, 2))
    random.seed(5)
    assert np.array_equal(I.GlorotUniform()((2, 2)), first)
    # A SeedGenerator seed advances per call.
    gen = keras.random.SeedGenerator(3)
    rn = I.RandomNormal(seed=gen)
    assert not np.array_equal(rn((3,)), rn((3,)))
    assert gen.state.numpy().tolist() == [3, 2]


def test_constant_initializers():
    assert _values(I.Identity(gain=2.0)((2, 3))) == [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    got = I.Constant(3)((2,), dtype="int32")
    assert got.dtype == tf.int32 and _values(got) == [3, 3]
    assert _values(I.Constant([1.0, 2.0])((2,))) == [1.0, 2.0]
    assert _values(I.Ones()((2,), dtype="int32")) == [1, 1]
    assert I.Zeros()((2,)).dtype == tf.float32


def test_configs_and_serialization():
    assert I.serialize(I.GlorotUniform()) == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }
    assert I.serialize(I.Constant(2.0))["config"] == {"value": 2.0}
    assert I.serialize(I.Zeros())["config"] == {}
    assert I.VarianceScaling(seed=3).get_config() == {
        "seed": 3, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal",
        "input_axes": None, "output_axes": None}  # fmt: skip
    assert I.RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert I.Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert I.Identity().get_config() == {}
    assert I.RandomUniform(seed=4).clone().get_config() == {
        "seed": 4, "minval": -0.05, "maxval": 0.05}  # fmt: skip
    restored = I.deserialize({"class_name": "HeNormal", "config": {"seed": 3}})
    assert type(restored) is I.HeNormal and restored.seed == 3
    assert I.deserialize({"class_name": "Nope", "config": {}}) == "Nope"  # Keras' wart
    assert type(I.deserialize("he_normal")) is I.HeNormal


def test_get_by_name_and_errors():
    names = {
        "normal": I.RandomNormal, "one": I.Ones, "uniform": I.RandomUniform, "zero": I.Zeros,
        "glorot_uniform": I.GlorotUniform, "random_normal": I.RandomNormal,
        "IdentityInitializer": I.Identity, "orthogonal": I.Orthogonal,
        "variance_scaling": I.VarianceScaling, "he_normal": I.HeNormal,
    }  # fmt: skip
    for name, cls in names.items():
        assert type(I.get(name)) is cls, name
    assert I.get(None) is None and I.glorot_uniform is I.GlorotUniform
    with pytest.raises(KeyError, match="value"):  # Keras' Constant.from_config wart
        I.get("constant")
    for bad in ("foo", 3):
        with pytest.raises(
            ValueError, match=f"^Could not interpret initializer identifier: {bad}$"
        ):
            I.get(bad)
    direct = I.get(np.ones((2,)))
    assert _values(direct((2,))) == [1.0, 1.0]
    with pytest.raises(ValueError) as info:
        direct((3,))
    assert str(info.value) == (
        "Expected `shape` to be (2,) for direct tensor as initializer. Received shape=(3,)"
    )
    errors = [
        (lambda: I.VarianceScaling(scale=0), "Argument `scale` must be positive float. "
         "Received: scale=0"),
        (lambda: I.RandomNormal(seed="a"), "`seed` argument should be an instance of "
         "`keras.random.SeedGenerator()` or an integer. Received: seed=a"),
        (lambda: I.Orthogonal(seed=1)((3,)), "The tensor to initialize must be at least "
         "two-dimensional. Received: shape=(3,) of rank 1."),
        (lambda: I.Identity()((3, 3, 3)), "Identity matrix initializer can only be used for 2D "
         "matrices. Received: shape=(3, 3, 3) of rank 3."),
    ]  # fmt: skip
    for fn, message in errors:
        with pytest.raises(ValueError) as info:
            fn()
        assert str(info.value) == message
    with pytest.raises(ValueError, match="Invalid `mode` argument: x. Please use one of"):
        I.VarianceScaling(mode="x")
    with pytest.raises(ValueError, match="Invalid `distribution` argument: x.Please use one of"):
        I.VarianceScaling(distribution="x")
    with pytest.raises(NotImplementedError, match="must implement the `__call__"):
        I.Initializer()((2,))


def test_string_initializers_reach_keras_variables():
    v = keras.Variable("ones", shape=(2,))
    assert _values(v) == [1.0, 1.0]


# -- regularizers -----------------------------------------------------------------------------

W = [[1.0, -2.0], [3.0, 0.5]]


def test_regularizer_values_are_keras():
    w = tf.constant(W)
    assert float(R.L1()(w)) == np.float32(0.06499999761581421)
    assert float(R.L2(0.1)(w)) == np.float32(1.4250000715255737)
    assert float(R.L1L2(0.1, 0.2)(w)) == np.float32(3.500000238418579)
    assert float(R.L1L2()(w)) == 0.0
    np.testing.assert_allclose(float(R.OrthogonalRegularizer(0.1)(w)), 0.029408583417534828, 1e-6)
    got = float(R.OrthogonalRegularizer(0.1, mode="columns")(w))
    np.testing.assert_allclose(got, 0.0076696500182151794, 1e-6)
    assert R.Regularizer()(w) == 0.0


def test_regularizer_configs_names_and_errors():
    assert R.serialize(R.L1(0.3)) == {
        "module": "keras.regularizers", "class_name": "L1",
        "config": {"l1": 0.30000001192092896}, "registered_name": None}  # fmt: skip
    assert R.L1L2(l1=1).get_config() == {"l1": 1.0, "l2": 0.0}
    assert R.OrthogonalRegularizer().get_config() == {
        "factor": 0.009999999776482582,
        "mode": "rows",
    }
    assert R.get("l1").get_config() == {"l1": 0.009999999776482582}
    assert R.get("L2").get_config() == {"l2": 0.01}
    assert R.get({"class_name": "L2", "config": {"l2": 0.5}}).get_config() == {"l2": 0.5}
    assert R.l1_l2 is R.L1L2 and R.get(None) is None
    for bad in ("l1_l2", "l3"):  # Keras registers L1L2 as "l1l2", not "l1_l2"
        with pytest.raises(
            ValueError, match=f"^Could not interpret regularizer identifier: {bad}$"
        ):
            R.get(bad)
    errors = [
        (lambda: R.L1(-1), "Invalid value for argument l1: expected a non-negative float."
         "Received: l1=-1"),
        (lambda: R.L2("a"), "Invalid value for argument l2: expected a non-negative float."
         "Received: l2=a"),
        (lambda: R.OrthogonalRegularizer(mode="x"), "Invalid value for argument `mode`. "
         'Expected one of {"rows", "columns"}. Received: mode=x'),
        (lambda: R.OrthogonalRegularizer()(tf.ones([3])), "Inputs to OrthogonalRegularizer "
         "must have rank 2. Received: inputs.shape=(3,)"),
    ]  # fmt: skip
    for fn, message in errors:
        with pytest.raises(ValueError) as info:
            fn()
        assert str(info.value) == message
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        R.Regularizer().get_config()


def test_regularizers_are_differentiable():
    w = tf.Variable(W)
    with tf.GradientTape() as tape:
        loss = R.L1L2(0.1, 0.2)(w)
    np.testing.assert_allclose(tape.gradient(loss, w), 0.1 * np.sign(W) + 0.4 * np.array(W))


# -- constraints ------------------------------------------------------------------------------


def test_constraint_values_are_keras():
    w = tf.constant(W)
    np.testing.assert_allclose(C.MaxNorm(2.0)(w), [
        [0.6324555277824402, -1.940285086631775], [1.8973665237426758, 0.4850712716579437]],
        rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose(C.MinMaxNorm(0.5, 1.5, rate=0.5, axis=1)(w), [
        [0.8354101777076721, -1.6708203554153442], [2.239795446395874, 0.373299241065979]],
        rtol=1e-6)  # fmt: skip
    assert _values(C.NonNeg()(w)) == [[1.0, 0.0], [3.0, 0.5]]
    np.testing.assert_allclose(C.UnitNorm()(w), [
        [0.3162277638912201, -0.9701425433158875], [0.9486832618713379, 0.24253563582897186]],
        rtol=1e-6)  # fmt: skip
    got = C.NonNeg()(tf.constant([1, -2]))
    assert got.dtype == tf.int32 and _values(got) == [1, 0]


def test_constraint_configs_and_names():
    assert C.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert C.MinMaxNorm().get_config() == {
        "min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}  # fmt: skip
    assert C.serialize(C.NonNeg()) == {
        "module": "keras.constraints", "class_name": "NonNeg", "config": {},
        "registered_name": None}  # fmt: skip
    assert type(C.get("max_norm")) is C.MaxNorm and C.non_neg is C.NonNeg
    with pytest.raises(ValueError, match="^Could not interpret constraint identifier: x$"):
        C.get("x")
