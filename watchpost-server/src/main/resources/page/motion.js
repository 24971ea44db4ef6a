// Pulses on live changes, and the switch that turns them off. The choice is remembered; without
// one, the system's "reduce motion" setting decides.

const KEY = 'watchpost.motion';

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: fall back to the system setting
  }
}

const listeners = [];

/** Whether pulses are shown now. */
export function motionOn() {
  return document.documentElement.dataset.motion !== 'off';
}

/** Calls {@code listener(on)} whenever the switch is flipped. */
export function onMotionChange(listener) {
  listeners.push(listener);
}

export function setupMotion(button) {
  const root = document.documentElement;
  let on = stored() ? stored() === 'on' : !matchMedia('(prefers-reduced-motion: reduce)').matches;
  const show = () => {
    root.dataset.motion = on ? 'on' : 'off';
    if (button) {
      button.setAttribute('aria-pressed', String(on));
      button.textContent = on ? 'Animations on' : 'Animations off';
    }
  };
  if (button) {
    button.hidden = false;
    button.addEventListener('click', () => {
      on = !on;
      try {
        localStorage.setItem(KEY, on ? 'on' : 'off');
      } catch {
        // not remembered; still applies to this page
      }
      show();
      for (const l of listeners) l(on);
    });
  }
  show();
}

/** One pulse on {@code el}; nothing when motion is off. */
export function pulse(el) {
  if (!motionOn() || el.classList.contains('pulse')) return;
  el.classList.add('pulse');
  el.addEventListener('animationend', () => el.classList.remove('pulse'), { once: true });
}
