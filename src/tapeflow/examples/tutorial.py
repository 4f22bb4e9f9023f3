"""The founding tutorial, "Automatic differentiation and gradient tape", run on tapeflow.

The cells below are the tutorial's code exactly as written for TensorFlow, with
one change: `import tensorflow as tf` reads `import tapeflow as tf`. Running
them prints what TensorFlow printed, except the library version and the
tape's memory address.
"""

from __future__ import annotations

CELLS = [
    '''
from __future__ import absolute_import, division, print_function, unicode_literals

import tapeflow as tf

print(tf.__version__)
''',
    '''
x = tf.ones((2,2))

with tf.GradientTape() as t:
    t.watch(x)
    print(t)
    y = tf.reduce_sum(x) # 4
    print(y)
    z = tf.multiply(y,y) # z=y^2 = 16
    print(z)
    
dz_dx = t.gradient(z,x)
print(dz_dx)
for i in [0,1]:
    for j in [0,1]:
        assert dz_dx[i][j].numpy() == 8.0
''',
    '''
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)

dz_dy = t.gradient(z, y)
assert dz_dy.numpy() == 8.0
print(dz_dy)
''',
    '''
x = tf.constant(3.)
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x*x
    z = y*y
dz_dx = t.gradient(z,x) # z = x^4 => 4x^3
print(dz_dx)
dz_dy = t.gradient(z,y)
print(dz_dy)
dy_dx = t.gradient(y,x)
print(dy_dx)
del t
''',
    '''
def f(x,y):
    output = 1.
    for i in range(y):
        if i>1 and i<5:
            output = tf.multiply(output, x)
            print(i,':',output)
    return output

def grad(x,y):
    with tf.GradientTape() as t:
        t.watch(x)
        out = f(x,y)
    return t.gradient(out, x)

x = tf.convert_to_tensor(2.)
print(x)

assert grad(x,6).numpy() == 12. #x^3 => 3x^2
assert grad(x,5).numpy() == 12.
assert grad(x,4).numpy() == 4. # x^2 => 2x
''',
    '''
x = tf.Variable(1.)

with tf.GradientTape() as t:
    with tf.GradientTape() as t2:
        y=x*x*x
        
    dy_dx = t2.gradient(y, x)
d2y_dx2 = t.gradient(dy_dx, x)

assert dy_dx.numpy() == 3.0
assert d2y_dx2.numpy() == 6.0
''',
]


def main() -> None:
    """Runs every cell in one namespace, as a notebook would."""
    namespace: dict = {"__name__": "__tutorial__"}
    for cell in CELLS:
        exec(compile(cell, "<tutorial>", "exec"), namespace)
